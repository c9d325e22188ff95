"""Closing the loop: who opted in to hear back, and the outbox of messages to them."""
