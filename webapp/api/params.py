"""Path, header and query parameters of ``/api/v1``: validated and documented by one model each.

flask-openapi3 reads a header or query model's JSON schema on every request to know which
fields are lists; the schema of a model never changes, so it is worked out once.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from channel_api.payloads import (
    PARTICIPANT_CHANNEL_HEADER,
    PARTICIPANT_ID_HEADER,
    PARTICIPANT_ID_MAX,
    Id,
)

Channel = Annotated[str, Field(min_length=1, max_length=32)]
ChannelId = Annotated[str, Field(min_length=1, max_length=PARTICIPANT_ID_MAX)]


class _Parameters(BaseModel):
    # Every request header reaches a header model; only ours matter.
    model_config = ConfigDict(extra="ignore")

    @classmethod
    @cache
    def _schema(cls) -> dict[str, Any]:
        return super().model_json_schema()

    @classmethod
    def model_json_schema(cls, *args: Any, **kwargs: Any) -> dict[str, Any]:
        if args or kwargs:
            return super().model_json_schema(*args, **kwargs)
        return cls._schema()


class SlugPath(_Parameters):
    slug: str


class MessagePath(_Parameters):
    message_id: Id


class WhoHeaders(_Parameters):
    """Who a GET speaks for; headers are preferred (see ``WhoQuery``)."""

    channel: Annotated[Channel | None, Field(alias=PARTICIPANT_CHANNEL_HEADER)] = None
    id: Annotated[ChannelId | None, Field(alias=PARTICIPANT_ID_HEADER)] = None


class WhoQuery(_Parameters):
    """The query form of ``WhoHeaders``, for clients that cannot set headers.

    Proxies and access logs record query strings, and the id is a chat account's id.
    """

    channel: Annotated[
        Channel | None,
        Field(description=f"Only for clients that cannot send {PARTICIPANT_CHANNEL_HEADER}"),
    ] = None
    id: Annotated[
        ChannelId | None,
        Field(description=f"Only for clients that cannot send {PARTICIPANT_ID_HEADER}"),
    ] = None
