"""The consultation domain: models and the service functions that write and read them."""
