"""The channel API's requests and responses, described once.

The back end (``webapp.api``) validates requests and shapes responses with these models and
generates its OpenAPI document from them; the chat channels (``bot``) send and read the same
models. It depends on pydantic only, so both sides may import it without importing each other.
"""
