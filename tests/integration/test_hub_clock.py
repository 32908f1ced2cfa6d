"""One clock, injected (issue 11): the API, the in-process worker and the services read time only from it;
only a hub on a controllable clock (HUB_CLOCK=controllable, `hub up --demo`) has POST /_control/clock."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from litestar.testing import AsyncTestClient

from hub.app import create_app
from hub.cli import parser
from hub.cli.common import settings_from
from hub.composition import clock_for, compose
from hub.core.clock import ControllableClock, FixedClock, SystemClock
from hub.core.settings import Settings
from tests.conftest import make_tenant

FAR = datetime(2031, 3, 3, 9, 0, tzinfo=timezone.utc)


def settings_for(url: str, **extra) -> Settings:
    return Settings(database_url=url, worker_in_process=False, rate_limit_per_minute=1_000_000, **extra)


async def test_a_hub_on_the_system_clock_has_no_control_api(database_url):
    async with AsyncTestClient(create_app(settings_for(database_url))) as client:
        assert (await client.get("/_control/clock")).status_code == 404
        assert (await client.post("/_control/clock", json={"advance_seconds": 60})).status_code == 404


async def test_the_clock_setting_and_hub_up_demo_give_a_controllable_clock():
    assert isinstance(clock_for(Settings()), SystemClock)
    assert isinstance(clock_for(Settings(clock="controllable")), ControllableClock)
    assert settings_from(parser().parse_args(["up", "--demo"])).clock == "controllable"
    assert settings_from(parser().parse_args(["serve", "--demo"])).clock == "controllable"
    assert settings_from(parser().parse_args(["up"])).clock == "system"


async def test_moving_the_hub_clock_is_what_the_api_and_the_services_read(database_url):
    tenant = await make_tenant(database_url)
    clock = ControllableClock()
    app = create_app(settings_for(database_url), clock=clock)
    async with AsyncTestClient(app) as client:
        moved = await client.post("/_control/clock", json={"set": FAR.isoformat(), "sandboxes": False})
        assert moved.status_code == 200, moved.text
        assert datetime.fromisoformat(moved.json()["now"]) - FAR < timedelta(seconds=5)
        later = await client.post("/_control/clock", json={"advance_seconds": 86400, "sandboxes": False})
        assert datetime.fromisoformat(later.json()["now"]) - FAR >= timedelta(days=1)
        week = await client.get("/api/v1/reports/weekly", headers=tenant.headers)
        assert week.status_code == 200, week.text
        assert week.json()["week"].startswith("2031-W10"), week.json()  # the digest's week is the hub clock's
        back = await client.post("/_control/clock", json={"set": "2020-01-01T00:00:00+00:00", "sandboxes": False})
        assert back.status_code == 422 and "set" in back.text  # never backwards
        made = await client.post("/api/v1/customers", headers=tenant.headers, json={
            "legal_name": "ООО Будущее", "country": "RU", "inn": "7707083893", "kpp": "773601001", "email": "f@x.ru"})
        assert made.status_code == 201, made.text


def test_compose_hands_one_clock_to_every_service():
    clock = FixedClock(FAR)
    hub = compose(Settings(), clock, catalogs={})
    assert hub.clock is clock
    assert hub.pricing.clock is clock and hub.onboarding.clock is clock and hub.transfers.clock is clock
