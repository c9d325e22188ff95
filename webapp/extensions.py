"""Flask extensions, created once and bound in ``create_app``."""

from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from consultations.db import db

csrf = CSRFProtect()
migrate = Migrate()

__all__ = ["csrf", "db", "migrate"]
