"""A partner's own credentials at a provider: written whole, never read back (only what is not secret)."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

VISIBLE_ASCII = r"^[\x21-\x7e]+$"  # what an HTTP header or basic-auth value can carry safely
NO_CONTROL = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]+$"  # basic auth encodes any text, but no line breaks
Login = Annotated[str, Meta(min_length=1, max_length=200, pattern=NO_CONTROL)]
Password = Annotated[str, Meta(min_length=1, max_length=1000, pattern=NO_CONTROL)]
Token = Annotated[str, Meta(min_length=1, max_length=1000, pattern=VISIBLE_ASCII)]  # sent as a header as it is
SubscriberNumber = Annotated[int, Meta(ge=1, le=2_147_483_647)]
PartnerCode = Annotated[str, Meta(min_length=1, max_length=4)]


class CredentialsIn(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Service Manager (fresh_ru, fresh_kz, medicine): ``login``, ``password``, ``account`` (the partner's
    own subscriber number). Rarus cabinet: ``token``, ``partner_code`` (4 characters, RA-ONB-08)."""

    login: Login | None = None
    password: Password | None = None
    account: SubscriberNumber | None = None
    token: Token | None = None
    partner_code: PartnerCode | None = None


class CredentialsOut(msgspec.Struct):
    """Which account the hub signs in with at a provider for this partner; never a password or token."""

    provider: str
    interface: Literal["service_manager", "rarus_cabinet"]
    configured: bool  # the partner's own credentials are stored; else the hub's demo default is used
    source: Literal["partner", "hub default"]
    account: int | None = None  # Service Manager: the partner's subscriber number (when configured)
    partner_code: str | None = None  # Rarus: the cabinet code (when configured)
    updated_at: datetime | None = None


class CredentialsList(msgspec.Struct):
    items: list[CredentialsOut]
