"""Each partner's own accounts at the providers, their secrets encrypted at rest.

The account — the Service Manager subscriber number, or the Rarus partner code — is kept in clear:
it is not secret, the API shows it, and it tells which partner account a provider object belongs
to. The login and password, or the Rarus token, are one Fernet token (``cryptography``) under the
hub's key: ``HUB_SECRET_KEY`` (one or more Fernet keys, comma-separated; the first encrypts, all
decrypt, so a key can be rotated), or else a key generated once in ``<HUB_DATA_DIR>/secret.key``.
No answer of the API ever carries a secret: only whether a provider is configured. A partner
without stored credentials uses the hub's demo default (the settings), as before.
"""
from __future__ import annotations

import json
import logging
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from adapters import Credentials, FreshCredentials, Misconfigured, RarusCredentials
from providers import PROFILES, InvalidIdentifier, rarus_partner_code

from hub.core.caller import Caller
from hub.core.db.models import Partner, ProviderCredential
from hub.core.exceptions import InvalidField, NotFound, Unavailable
from hub.partners.credentials_schemas import CredentialsIn, CredentialsList, CredentialsOut
from hub.core.settings import Settings
from hub.core import audit

KEY_FILE = "secret.key"
FIELDS = {"service_manager": ("login", "password", "account"), "rarus_cabinet": ("token", "partner_code")}
RESOURCE = "provider_credentials"


log = logging.getLogger("hub.credentials")

class VaultError(Exception):
    """The hub's key is missing, malformed, or not the one the credentials were encrypted with."""


class Vault:
    """Fernet encryption of the secrets, with the key loaded (or the key file made) on first use."""

    def __init__(self, keys: str = "", key_file: Path | None = None) -> None:
        self._keys = [k.strip().encode() for k in keys.split(",") if k.strip()]
        for key in self._keys:  # a wrong HUB_SECRET_KEY is said at start, not at the first secret
            _fernet(key, "HUB_SECRET_KEY")
        self._key_file = key_file
        self._cipher: MultiFernet | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Vault:
        if not settings.secret_key and not settings.database.startswith("sqlite"):
            log.warning("HUB_SECRET_KEY is not set: provider credentials are encrypted with a key file under %s, "
                        "which every other hub process on this database must share", settings.data_dir)
        return cls(settings.secret_key, settings.data_dir / KEY_FILE)

    def cipher(self) -> MultiFernet:
        if self._cipher is None:
            keys = self._keys or [self._file_key()]
            self._cipher = MultiFernet([_fernet(k, "the key") for k in keys])
        return self._cipher

    def _file_key(self) -> bytes:
        """The key file's key; made once (0600), atomically, so racing processes end up with one key."""
        path = self._key_file
        if path is None:
            raise VaultError("no key for provider credentials: set HUB_SECRET_KEY")
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
            descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(descriptor, Fernet.generate_key() + b"\n")
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
            try:
                os.link(draft, path)  # fails if another process was first: its key is the one
            except FileExistsError:
                pass
            finally:
                os.unlink(draft)
        return path.read_bytes().strip()

    def encrypt(self, values: dict[str, str]) -> str:
        return self.cipher().encrypt(json.dumps(values, ensure_ascii=False).encode()).decode()

    def decrypt(self, token: str) -> dict[str, str]:
        try:
            return json.loads(self.cipher().decrypt(token.encode()))
        except InvalidToken:
            raise VaultError("the stored provider credentials do not open with this hub's key (HUB_SECRET_KEY "
                             "or the key file)") from None


def _fernet(key: bytes, what: str) -> Fernet:
    try:
        return Fernet(key)
    except (ValueError, TypeError):
        raise VaultError(f"{what} is not a Fernet key (32 url-safe base64-encoded bytes; make one with "
                         f"`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`)"
                         ) from None


def interface_of(provider: str) -> str:
    profile = PROFILES.get(provider)
    if profile is None:
        raise NotFound(f"no provider {provider!r}; known: {', '.join(PROFILES)}")
    return profile.interface


async def _row(session: AsyncSession, partner_id: str, provider: str) -> ProviderCredential | None:
    return await session.scalar(select(ProviderCredential).where(ProviderCredential.partner_id == partner_id,
                                                                 ProviderCredential.provider == provider))


def view(provider: str, row: ProviderCredential | None) -> CredentialsOut:
    interface = interface_of(provider)
    if row is None:
        return CredentialsOut(provider, interface, False, "hub default")  # type: ignore[arg-type]
    fresh = interface == "service_manager"
    return CredentialsOut(provider, interface, True, "partner", int(row.account) if fresh else None,  # type: ignore[arg-type]
                          None if fresh else row.account, row.updated_at)


def _checked(interface: str, data: CredentialsIn) -> tuple[str, dict[str, str]]:
    """The account in clear and the secrets to encrypt, or a 422 naming the field."""
    wanted = FIELDS[interface]
    for name in ("login", "password", "account", "token", "partner_code"):
        given = getattr(data, name) is not None
        if given and name not in wanted:
            raise InvalidField(name, f"{interface} credentials are {', '.join(wanted)}; not {name}")
        if not given and name in wanted:
            raise InvalidField(name, f"{interface} credentials need {', '.join(wanted)}")
    if interface == "service_manager":
        assert data.login is not None and data.password is not None and data.account is not None
        if data.login.strip() != data.login or ":" in data.login:
            raise InvalidField("login", "a Service Manager login has no surrounding spaces and no ':'")
        return str(data.account), {"login": data.login, "password": data.password}
    assert data.token is not None and data.partner_code is not None
    try:
        code = rarus_partner_code(data.partner_code)
    except InvalidIdentifier as exc:
        raise InvalidField("partner_code", str(exc), rule=exc.rule) from None
    if data.token.strip() != data.token:
        raise InvalidField("token", "a token has no surrounding spaces")
    return code, {"token": data.token}


async def store(session: AsyncSession, caller: Caller, vault: Vault, provider: str, data: CredentialsIn,
                now: datetime) -> CredentialsOut:
    """Set the partner's own account at ``provider`` (replacing the one stored) at ``now``; audited without secrets."""
    account, secret = _checked(interface_of(provider), data)
    # the partner's row is locked, so two first PUTs for one provider are one insert and one update
    await session.scalar(select(Partner.id).where(Partner.id == caller.partner_id).with_for_update())
    row = await _row(session, caller.partner_id, provider)
    before = view(provider, row) if row is not None else None
    now = now.astimezone(timezone.utc)
    if row is None:
        row = ProviderCredential(partner_id=caller.partner_id, provider=provider, created_at=now)
        session.add(row)
    try:
        row.account, row.secret, row.updated_at = account, vault.encrypt(secret), now
    except VaultError as exc:
        raise Unavailable(str(exc)) from None
    await session.flush()
    after = view(provider, row)
    audit.record(session, caller, RESOURCE, provider, "set", before, after)
    return after


async def remove(session: AsyncSession, caller: Caller, provider: str) -> None:
    """Forget the partner's own account at ``provider``: the hub's default is used again."""
    interface_of(provider)
    row = await _row(session, caller.partner_id, provider)
    if row is not None:
        before = view(provider, row)
        await session.delete(row)
        audit.record(session, caller, RESOURCE, provider, "remove", before, None)


async def read(session: AsyncSession, caller: Caller, provider: str) -> CredentialsOut:
    return view(provider, await _row(session, caller.partner_id, provider))


async def listing(session: AsyncSession, caller: Caller) -> CredentialsList:
    rows = {r.provider: r for r in await session.scalars(
        select(ProviderCredential).where(ProviderCredential.partner_id == caller.partner_id))}
    return CredentialsList([view(p, rows.get(p)) for p in PROFILES])


async def signed_in_as(session: AsyncSession, vault: Vault | None, partner_id: str, provider: str) -> Credentials | None:
    """The partner's own credentials at ``provider``, decrypted; None when it has none (the default applies).
    Stored credentials that cannot be opened are a misconfiguration — never a fall-back to the default."""
    row = await _row(session, partner_id, provider)
    if row is None:
        return None
    try:
        if vault is None:
            raise VaultError("no key for provider credentials: set HUB_SECRET_KEY")
        secret: dict[str, Any] = vault.decrypt(row.secret)
    except VaultError as exc:
        raise Misconfigured(f"{provider}: {exc}", provider=provider) from None
    if interface_of(provider) == "service_manager":
        return FreshCredentials(secret["login"], secret["password"], int(row.account))
    return RarusCredentials(secret["token"], row.account)


async def has_own(session: AsyncSession, partner_id: str, provider: str) -> bool:
    """Whether the partner stored credentials of its own at ``provider`` (so the vault is needed to sign in)."""
    return await _row(session, partner_id, provider) is not None


async def accounts_at(session: AsyncSession, provider: str, partner_ids: set[str]) -> dict[str, str]:
    """The stored account (subscriber number or partner code) of each of these partners at ``provider``."""
    if not partner_ids:
        return {}
    rows = await session.scalars(select(ProviderCredential).where(ProviderCredential.provider == provider,
                                                                  ProviderCredential.partner_id.in_(partner_ids)))
    return {r.partner_id: r.account for r in rows}
