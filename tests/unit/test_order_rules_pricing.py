"""Issue 10's pricing rules in the library alone: Rarus's larger services (RA-PRICE-05), the one spelling of the
standing and its what-if (FR-DISC-03, FK-DISC-01, RA-COMM-01), the catalog's back-dated start (FK-SUB-17)."""
from __future__ import annotations

from decimal import Decimal

import msgspec
import pytest

from pricing import PartnerStanding, RequestInvalid, Standing, StandingWhatIf, pricing_standing, with_what_if

from .helpers import TODAY, quote_need


def test_ra_price_05_cloud_hosting_only_up_to_60_concurrent_users(engines):
    def alternatives(users: int) -> list[str]:
        offer = engines["rarus"].quote(quote_need(seat_plan=[{"users": users, "configurations": ["bp"]}], months=1),
                                       PartnerStanding(), TODAY)
        assert not offer.eligible and offer.rules == ["RA-PRICE-05"]
        return offer.alternatives

    assert len(alternatives(31)) == len(alternatives(60)) == 2
    [only] = alternatives(61)
    assert "Корпоративное облако" in only
    big_storage = engines["rarus"].quote(quote_need(seat_plan=[{"users": 5, "configurations": ["bp"]}], storage_gb=100,
                                                    months=1), PartnerStanding(), TODAY)
    assert any("хостинг" in a for a in big_storage.alternatives)  # few users, many GB: hosting fits


def test_ra_price_05_hosting_limit_is_catalog_data(catalogs):
    limits = {a.name: a.max_connections for a in catalogs["rarus"].rarus.beyond_limits}
    assert sorted(limits.values(), key=lambda v: v or 10**9) == [60, None]


def test_fr_disc_03_a_what_if_replaces_only_what_it_names():
    own = pricing_standing(msgspec.convert({"fresh_ru": {"csk": True}, "fresh_kz": {"csk": True},
                                            "rarus": {"agent_fee_percent": "15"}}, Standing))
    what_if = msgspec.convert({"fresh_ru": {"csk": False}}, StandingWhatIf)
    merged = with_what_if(own, what_if)
    assert (merged.csk, merged.kz_csk, merged.rarus_commission_percent) == (False, True, Decimal("15"))  # FK-DISC-01, RA-COMM-01
    desk = with_what_if(own, msgspec.convert({"fresh_ru": {"service_desk_since": "2026-01-01"}}, StandingWhatIf))
    assert desk.csk and desk.service_desk is True
    cleared = with_what_if(desk, msgspec.convert({"fresh_ru": {"service_desk_since": None}}, StandingWhatIf))
    assert cleared.service_desk is False and cleared.service_desk_since is None
    assert with_what_if(None, what_if).kz_csk is False  # no stored standing: the empty stored one, kz its own


def test_fr_disc_03_the_what_if_is_spelled_as_the_stored_standing():
    with pytest.raises(msgspec.ValidationError, match="unknown field `csk`"):
        msgspec.convert({"csk": True}, StandingWhatIf)
    stored_fields = {f.name: {g.name for g in msgspec.structs.fields(f.type)} for f in msgspec.structs.fields(Standing)}
    what_if_fields = {f.name: {g.name for g in msgspec.structs.fields(f.type.__args__[0])}
                      for f in msgspec.structs.fields(StandingWhatIf)}
    assert what_if_fields == stored_fields


def test_ra_comm_01_a_what_if_agent_fee_is_a_percentage(engines):
    from pricing import compare

    need = quote_need(seat_plan=[{"users": 1, "configurations": ["bp"]}], partner={"rarus": {"agent_fee_percent": "120"}})
    with pytest.raises(RequestInvalid) as bad:
        compare(need, engines, PartnerStanding(), TODAY)
    assert bad.value.field == "partner.rarus.agent_fee_percent"


def test_fk_sub_17_only_the_kazakh_its_tariff_may_start_before_the_day_of_ordering(catalogs):
    allowed = {(p, t.label) for p, c in catalogs.items() for t in c.tariffs if t.backdate_rule}
    assert allowed == {("fresh_kz", "ITSaaS РАСШИРЕННЫЙ для ИТС Каз.ПРОФ")}
