"""The web's side of browser notifications: the server's VAPID key and the push sender."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from flask import Flask, current_app
from py_vapid import Vapid02

from feedback import web_push


def vapid(app: Flask | None = None) -> Vapid02:
    """The server's VAPID identity, read once per app from its PEM key."""
    app = app or current_app
    found = app.extensions.get("youthvoice_vapid")
    if found is None:
        found = app.extensions["youthvoice_vapid"] = web_push.vapid_from_pem(
            app.config["VAPID_PRIVATE_KEY"]
        )
    return found


def application_server_key(app: Flask | None = None) -> str:
    """The public key a browser subscribes with (``applicationServerKey``), base64url."""
    raw = vapid(app).public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def allowed_hosts(app: Flask | None = None) -> tuple[str, ...]:
    app = app or current_app
    return tuple(app.config.get("WEB_PUSH_HOSTS") or web_push.DEFAULT_PUSH_HOSTS)


def sender(
    app: Flask | None = None, *, timeout: float = web_push.TIMEOUT_SECONDS
) -> web_push.Sender:
    app = app or current_app
    return web_push.Sender(vapid(app), subject=app.config["VAPID_SUBJECT"], timeout=timeout)
