"""Partners (tenants), their standing, and their API keys."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timezone

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pricing import PartnerStanding
from pricing.standing import merged
from providers import InvalidIdentifier, rarus_partner_code
from providers.demo import DEMO_PARTNER_NAME, DEMO_STANDING

from hub.core.caller import ROLES, Caller
from hub.core.db.models import ApiKey, Partner
from hub.core.exceptions import InvalidField, NotFound
from hub.partners.schemas import PartnerOut, PartnerUpdate, Standing, pricing_standing
from hub.core import audit
from hub.core import verified_keys as verified

KEY_SCHEME = "hub"
RARUS_LEGAL_FORMS = ("ООО", "ИП")  # RA-ONB-09


class PartnerListing(msgspec.Struct):
    id: str
    name: str
    created_at: datetime
    live_keys: int


class KeyListing(msgspec.Struct):
    """What `hub key list` shows of a key: the prefix names it (``hub_<prefix>_…``), the secret is never kept."""

    id: str
    partner_id: str
    prefix: str
    role: str
    created_at: datetime
    revoked_at: datetime | None


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


async def list_partners(session: AsyncSession) -> list[PartnerListing]:
    """Every partner, oldest first, with how many of its keys are live (`hub partner list`)."""
    live = (select(ApiKey.partner_id, func.count().label("live")).where(ApiKey.revoked_at.is_(None))
            .group_by(ApiKey.partner_id).subquery())
    rows = await session.execute(select(Partner, live.c.live).outerjoin(live, live.c.partner_id == Partner.id)
                                 .order_by(Partner.created_at, Partner.id))
    return [PartnerListing(p.id, p.name, p.created_at, keys or 0) for p, keys in rows]


async def demo_partner(session: AsyncSession) -> tuple[Partner, str | None]:
    """The demo partner of `hub up` (the oldest partner named DEMO_PARTNER_NAME) and None; or, when
    there is none, a new one with DEMO_STANDING (providers/demo.py) and its admin key, shown once."""
    found = await session.scalar(select(Partner).where(Partner.name == DEMO_PARTNER_NAME)
                                 .order_by(Partner.created_at, Partner.id).limit(1))
    if found is not None:
        return found, None
    partner = await create_partner(session, DEMO_PARTNER_NAME, msgspec.convert(DEMO_STANDING, Standing))
    _, key = await create_key(session, partner.id, "admin")
    return partner, key


async def get_partner(session: AsyncSession, partner_id: str) -> Partner:
    partner = await session.get(Partner, partner_id)
    if partner is None:
        raise NotFound(f"no partner {partner_id}")
    return partner


async def standing_of(session: AsyncSession, partner_id: str) -> PartnerStanding:
    """The partner's stored standing as the pricing engines read it."""
    return pricing_standing(partner_out(await get_partner(session, partner_id)).standing)


async def update_partner(session: AsyncSession, caller: Caller, patch: PartnerUpdate, now: datetime) -> PartnerOut:
    partner = await get_partner(session, caller.partner_id)
    before = partner_out(partner)
    if patch.name is not msgspec.UNSET:
        partner.name = patch.name
    if patch.standing is not msgspec.UNSET:
        stored = msgspec.convert(partner.standing or {}, Standing)
        partner.standing = normalise_standing(merged(stored, patch.standing))
    partner.updated_at = now.astimezone(timezone.utc)
    await session.flush()
    verified.forget_partner(session, partner.id)  # the next request reads the new standing
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


async def list_keys(session: AsyncSession, partner_id: str | None = None) -> list[KeyListing]:
    """API keys, oldest first (one partner's, or everyone's): never the secret nor its hash (`hub key list`)."""
    query = select(ApiKey).order_by(ApiKey.created_at, ApiKey.id)
    if partner_id is not None:
        await get_partner(session, partner_id)
        query = query.where(ApiKey.partner_id == partner_id)
    return [KeyListing(k.id, k.partner_id, k.prefix, k.role, k.created_at, k.revoked_at) for k in await session.scalars(query)]


async def revoke_key(session: AsyncSession, key_id: str, now: datetime) -> ApiKey:
    """Revoke the key at ``now`` (once: a revoked key keeps its first revocation)."""
    key = await session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"no API key {key_id}")
    if key.revoked_at is None:
        key.revoked_at = now.astimezone(timezone.utc)
        verified.forget_key(session, key.id)
        audit.record(session, Caller(key.partner_id, None, "admin"), "api_key", key.id, "revoke",
                     before={"revoked_at": None}, after={"revoked_at": key.revoked_at.isoformat()})
    return key


async def caller_of_key(session: AsyncSession, key_id: str) -> Caller | None:
    """The caller behind a live key known by its id (a browser session signed in with it), or None once
    the key is revoked — so revoking a key signs its browser sessions out too."""
    found = (await session.execute(select(ApiKey, Partner.standing).join(Partner, Partner.id == ApiKey.partner_id)
                                   .where(ApiKey.id == key_id))).first()
    if found is None or found[0].revoked_at is not None:
        return None
    key, standing = found
    return Caller(key.partner_id, key.id, key.role, pricing_standing(msgspec.convert(standing or {}, Standing)))


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
