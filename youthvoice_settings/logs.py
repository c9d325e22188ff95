"""One log for every process: the web app, ``youthvoice serve``, the bot, the delivery
workers and the action server all write through ``configure_logging``, as JSON lines
(``LOG_FORMAT=json``) or text, to standard error.

An exception is logged by ``log_error``: its type and where it happened (file, line,
function), never its message, because the message can quote what a young person typed
(a database error quotes the values it refused). The formatters hold to that for any
library's ``exc_info`` too.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import UTC, datetime
from typing import Any, TextIO

from youthvoice_settings.settings import Settings

# Fields a log line may carry besides its message, given with ``extra=``.
FIELDS = (
    "event",
    "method",
    "route",
    "status",
    "ms",
    "error_type",
    "frames",
    "causes",
    "action",
)
TEXT_FORMAT = "%(asctime)s %(levelname)s %(service)s %(name)s %(message)s"
# Libraries that log a URL per request at INFO: ours carry a chat id in the query, and
# Telegram's carry the bot token in the path.
QUIET_LIBRARIES = ("httpx", "httpcore", "urllib3")


def frames(error: BaseException) -> list[dict[str, Any]]:
    """Where ``error`` happened, outermost call first: file, line and function only."""
    return [
        {"file": _short(frame.filename), "line": frame.lineno, "function": frame.name}
        for frame in traceback.extract_tb(error.__traceback__)
    ]


def _short(filename: str) -> str:
    # Enough to find the line, without the machine's own folders.
    for marker in ("site-packages/", "dist-packages/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


def _causes(error: BaseException) -> list[str]:
    found: list[str] = []
    seen = {id(error)}
    cause = error.__cause__ or error.__context__
    while cause is not None and id(cause) not in seen:
        found.append(type(cause).__name__)
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return found


def error_fields(error: BaseException) -> dict[str, Any]:
    """What a log line says about an exception: its type, frames and causes' types."""
    return {
        "error_type": type(error).__name__,
        "frames": frames(error),
        "causes": _causes(error),
    }


def log_error(
    logger: logging.Logger,
    what: str,
    error: BaseException,
    *,
    level: int = logging.ERROR,
    **fields: Any,
) -> None:
    """Log that ``what`` failed with ``error``: its type and frames, never its message.

    ``what`` and ``fields`` are ours to write; nothing a person sent belongs in them.
    """
    logger.log(
        level,
        "%s: %s",
        what,
        type(error).__name__,
        extra={"event": "error", **fields, **error_fields(error)},
    )


def _exc_fields(record: logging.LogRecord) -> dict[str, Any]:
    exc_info = record.exc_info
    if exc_info and exc_info[1] is not None:
        return error_fields(exc_info[1])
    return {}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors; extra fields come from ``extra=``."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "service": getattr(record, "service", ""),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in FIELDS:
            if hasattr(record, name):
                entry[name] = getattr(record, name)
        entry.update(_exc_fields(record))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """A line per event, and the frames of an error under it, never an error's message."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        # The base class would print exc_info with its message: keep only type and frames.
        from_library = _exc_fields(record)
        where = from_library.get("frames") or getattr(record, "frames", None) or []
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            line = super().format(record)
        finally:
            record.exc_info, record.exc_text = saved
        if from_library:
            line += f" ({from_library['error_type']})"
        for frame in where:
            line += f"\n  {frame['file']}:{frame['line']} in {frame['function']}"
        return line


class _Service(logging.Filter):
    """Names the process kind on every line (web, bot, deliver, actions…)."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "service"):
            record.service = self.service
        return True


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg,unused-ignore]
    """Writes to the process's own standard error (file descriptor 2).

    Not ``sys.stderr`` as it was at set-up: that may be a stand-in (a test's, a command
    runner's) that is gone by the next line. Whatever reads fd 2 still gets every line.
    """

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override,unused-ignore]
    def stream(self) -> TextIO:
        return sys.__stderr__ or sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


_OURS = "_youthvoice_handler"


def configured() -> bool:
    """Whether this process's log is already set up (by its entry point)."""
    return any(getattr(h, _OURS, False) for h in logging.getLogger().handlers)


def configure_logging(
    log_format: str = "text",
    level: str = "INFO",
    *,
    service: str,
    stream: TextIO | None = None,
) -> logging.Handler:
    """Send every logger of this process to one handler on standard error (or ``stream``).

    Called again, it replaces its own handler rather than adding a second.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _OURS, False):
            root.removeHandler(handler)
    ours: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StandardError()
    )
    ours.setFormatter(JsonFormatter() if log_format == "json" else TextFormatter())
    ours.addFilter(_Service(service))
    setattr(ours, _OURS, True)
    root.addHandler(ours)
    root.setLevel(level)
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(logging.WARNING)
    # Our own loggers send everything to the root handler; none keeps a handler of its own.
    logging.getLogger("youthvoice").propagate = True
    return ours


def configure_from(settings: Settings, *, service: str) -> logging.Handler:
    """``configure_logging`` with ``LOG_FORMAT`` and ``LOG_LEVEL`` from the settings."""
    return configure_logging(settings.log_format, settings.log_level, service=service)
