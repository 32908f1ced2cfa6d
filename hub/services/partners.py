"""Partners (tenants), their standing, and their API keys."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import PartnerStanding
from providers import InvalidIdentifier, rarus_partner_code

from ..caller import ROLES, Caller
from ..db.models import ApiKey, Partner, utcnow
from ..exceptions import InvalidField, NotFound
from ..schemas.partners import PartnerOut, PartnerUpdate, Standing, pricing_standing
from . import audit

KEY_SCHEME = "hub"
RARUS_LEGAL_FORMS = ("ООО", "ИП")  # RA-ONB-09


def partner_out(partner: Partner) -> PartnerOut:
    standing = msgspec.convert(partner.standing or {}, Standing)
    return PartnerOut(partner.id, partner.name, standing, partner.created_at, partner.updated_at)


def normalise_standing(standing: Standing) -> Standing:
    """RA-ONB-08: the Rarus code in 4-character form; RA-ONB-09: ООО or ИП only."""
    rarus = standing.rarus
    code = rarus.partner_code
    if code is not None:
        try:
            code = rarus_partner_code(code)
        except InvalidIdentifier as exc:
            raise InvalidField("standing.rarus.partner_code", str(exc), rule=exc.rule) from None
    if rarus.legal_form is not None and rarus.legal_form not in RARUS_LEGAL_FORMS:
        raise InvalidField("standing.rarus.legal_form", "Rarus partners are ООО or ИП; the self-employed cannot be partners",
                           rule="RA-ONB-09")
    fee = rarus.agent_fee_percent
    if fee is not None and not 0 <= fee <= 100:
        raise InvalidField("standing.rarus.agent_fee_percent", "must be between 0 and 100")
    for i, month in enumerate(standing.fresh_ru.service_desk_lapsed_months):
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
            raise InvalidField(f"standing.fresh_ru.service_desk_lapsed_months[{i}]", "expected YYYY-MM")
    return msgspec.structs.replace(standing, rarus=msgspec.structs.replace(rarus, partner_code=code))


async def create_partner(session: AsyncSession, name: str, standing: Standing | None = None) -> Partner:
    if not name.strip():
        raise InvalidField("name", "a partner needs a name")
    partner = Partner(name=name.strip(), standing=normalise_standing(standing or Standing()))
    session.add(partner)
    await session.flush()
    audit.record(session, Caller(partner.id, None, "admin"), "partner", partner.id, "create", after=partner_out(partner))
    return partner


async def get_partner(session: AsyncSession, partner_id: str) -> Partner:
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"no partner {partner_id}")
    return partner


async def standing_of(session: AsyncSession, partner_id: str) -> PartnerStanding:
    """The partner's stored standing as the pricing engines read it."""
    return pricing_standing(partner_out(await get_partner(session, partner_id)).standing)


async def update_partner(session: AsyncSession, caller: Caller, patch: PartnerUpdate) -> PartnerOut:
    partner = await get_partner(session, caller.partner_id)
    before = partner_out(partner)
    if patch.name is not msgspec.UNSET:
        partner.name = patch.name
    if patch.standing is not msgspec.UNSET:
        partner.standing = normalise_standing(patch.standing)
    partner.updated_at = utcnow()
    await session.flush()
    after = partner_out(partner)
    audit.record(session, caller, "partner", partner.id, "update", before, after)
    return after


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def create_key(session: AsyncSession, partner_id: str, role: str) -> tuple[ApiKey, str]:
    """A new key; the plain key is returned once and stored only as a hash."""
    if role not in ROLES:
        raise InvalidField("role", f"one of {', '.join(ROLES)}")
    await get_partner(session, partner_id)
    prefix, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
    key = ApiKey(partner_id=partner_id, role=role, prefix=prefix, secret_hash=_hash(secret))
    session.add(key)
    await session.flush()
    audit.record(session, Caller(partner_id, None, "admin"), "api_key", key.id, "create", after={"role": role, "prefix": prefix})
    return key, f"{KEY_SCHEME}_{prefix}_{secret}"


async def revoke_key(session: AsyncSession, key_id: str) -> ApiKey:
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"no API key {key_id}")
    if key.revoked_at is None:
        key.revoked_at = datetime.now(timezone.utc)
        audit.record(session, Caller(key.partner_id, None, "admin"), "api_key", key.id, "revoke",
                     before={"revoked_at": None}, after={"revoked_at": key.revoked_at.isoformat()})
    return key


async def authenticate(session: AsyncSession, presented: str) -> Caller | None:
    """The caller behind a presented key, or None; the secret is compared in constant time."""
    scheme, _, rest = presented.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != KEY_SCHEME or not prefix or not secret:
        return None
    found = (await session.execute(select(ApiKey, Partner.standing).join(Partner, Partner.id == ApiKey.partner_id)
                                   .where(ApiKey.prefix == prefix))).first()
    if found is None or found[0].revoked_at is not None:
        hmac.compare_digest(_hash(secret), _hash(""))  # same work either way
        return None
    key, standing = found
    if not hmac.compare_digest(_hash(secret), key.secret_hash):
        return None
    return Caller(key.partner_id, key.id, key.role, pricing_standing(msgspec.convert(standing or {}, Standing)))
