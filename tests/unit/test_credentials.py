"""Issue 9 §0 in the small: the vault that keeps provider secrets, and adapters that sign in per
partner and adopt nothing found by e-mail alone (respx-mocked providers)."""
from __future__ import annotations

import base64
import json
import os
import stat
from datetime import date

import httpx
import pytest
import respx
from cryptography.fernet import Fernet

from adapters import (
    AccessRequest,
    Adapters,
    FreshAdapter,
    FreshCredentials,
    HttpChannel,
    Misconfigured,
    RarusAdapter,
    RarusCredentials,
    Rejected,
    RetryPolicy,
    SubscriptionOrder,
    User,
)
from hub.partners.credentials import Vault, VaultError

from .test_retry import Sleeps

BASE = "http://sm.test"
EXECUTE = BASE + "/a/adm/hs/ext_api/execute"
RARUS = "http://rarus.test"
FAST = RetryPolicy(attempts=3, base=0.01, cap=1.0, total=5.0)
REQUEST = AccessRequest("ООО Лютик", (User("Иванова Анна", "glavbuh@romashka.ru"),), inn="7736050003",
                        products=("bp",), partner_code="0555")


# --- the vault --------------------------------------------------------------------------------------------
def test_a_secret_is_encrypted_and_opens_only_with_the_key():
    vault = Vault(Fernet.generate_key().decode())
    sealed = vault.encrypt({"password": "s3cret"})
    assert "s3cret" not in sealed and vault.decrypt(sealed) == {"password": "s3cret"}
    with pytest.raises(VaultError):
        Vault(Fernet.generate_key().decode()).decrypt(sealed)


def test_a_key_can_be_rotated_the_first_one_encrypting():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = Vault(old).encrypt({"token": "t"})
    rotated = Vault(f"{new}, {old}")
    assert rotated.decrypt(sealed) == {"token": "t"}
    assert Vault(new).decrypt(rotated.encrypt({"token": "t"})) == {"token": "t"}


def test_a_malformed_hub_secret_key_is_refused_at_once():
    with pytest.raises(VaultError, match="HUB_SECRET_KEY"):
        Vault("not-a-fernet-key")


def test_without_a_setting_the_key_file_is_made_once_and_kept(tmp_path):
    key_file = tmp_path / "data" / "secret.key"
    first = Vault(key_file=key_file)
    assert not key_file.exists()  # made on first use only
    sealed = first.encrypt({"password": "p"})
    assert key_file.exists() and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert Vault(key_file=key_file).decrypt(sealed) == {"password": "p"}  # another process, the same key
    assert len(list(key_file.parent.iterdir())) == 1


# --- signing in per partner ---------------------------------------------------------------------------------
def envelope(code: int = 10200, **data) -> dict:
    return {"general": {"error": code not in (10200, 10201), "response": code, "message": "m"}, **data}


class Recorder:
    def __init__(self, answers: dict[str, list]) -> None:
        self.answers, self.calls = answers, []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        self.calls.append((body["general"]["method"], body["auth"]["account"], request.headers["authorization"]))
        return httpx.Response(200, json=self.answers[body["general"]["method"]].pop(0))


def fresh() -> FreshAdapter:
    return FreshAdapter("fresh_ru", HttpChannel("fresh_ru", BASE, auth=("partner", "sandbox"), policy=FAST,
                                                sleep=Sleeps(), settle=0.1), 48)


@respx.mock
async def test_a_partners_own_account_rides_the_one_pooled_client():
    sm = Recorder({"invitation/list": [envelope(invitations=[])], "invitation/send": [envelope(10201, invitation={"id": 3})]})
    respx.post(EXECUTE).mock(side_effect=sm)
    base = fresh()
    adapters = Adapters({"fresh_ru": base}, None)
    own = adapters.provider("fresh_ru", FreshCredentials("beta", "beta-secret", 49))
    assert own.channel is base.channel and own.identity == "49" and adapters.provider("fresh_ru") is base
    await own.request_access(REQUEST)
    beta = "Basic " + base64.b64encode(b"beta:beta-secret").decode()
    assert [(account, auth) for _, account, auth in sm.calls] == [(49, beta), (49, beta)]
    await own.close()
    assert not base.channel.client.is_closed  # a view owns nothing
    await adapters.close()
    assert base.channel.client.is_closed
    with pytest.raises(Misconfigured):
        base.signed_in(RarusCredentials("t", "0555"))


@respx.mock
async def test_an_invitation_to_the_email_for_another_inn_is_refused_not_adopted():
    sm = Recorder({"invitation/list": [envelope(invitations=[
        {"id": 7, "status": "activated", "tariff": "x", "email": "glavbuh@romashka.ru", "inn": "7707083893",
         "partner_account": 48}])]})
    respx.post(EXECUTE).mock(side_effect=sm)
    with pytest.raises(Rejected, match="another subscriber/ИНН") as refused:
        await fresh().request_access(REQUEST)
    assert refused.value.code == "owner_conflict" and [c[0] for c in sm.calls] == ["invitation/list"]


@respx.mock
async def test_an_invitation_of_another_partner_account_is_refused():
    sm = Recorder({"invitation/list": [envelope(invitations=[
        {"id": 7, "status": "sent", "tariff": "x", "email": "glavbuh@romashka.ru", "inn": "7736050003",
         "partner_account": 50}])]})
    respx.post(EXECUTE).mock(side_effect=sm)
    with pytest.raises(Rejected, match="another partner account"):
        await fresh().request_access(REQUEST)


@respx.mock
async def test_a_kazakh_invitation_is_matched_by_bin_iin():
    sm = Recorder({"invitation/list": [envelope(invitations=[
        {"id": 7, "status": "sent", "tariff": "x", "email": "a@b.kz", "bin_iin": "971240001315", "inn": None}])]})
    respx.post(EXECUTE).mock(side_effect=sm)
    adapter = FreshAdapter("fresh_kz", HttpChannel("fresh_kz", BASE, auth=("p", "s"), policy=FAST, sleep=Sleeps()), 48)
    handle = await adapter.request_access(AccessRequest("ТОО", (User("А", "a@b.kz"),), inn="971240001315"))
    assert handle.reused and handle.reference == "7"


@respx.mock
async def test_the_card_of_a_subscriber_with_another_inn_is_not_overwritten():
    sm = Recorder({"account/customers/attached_info": [envelope(card={"inn": "7707083893", "legal_name": "ООО Ромашка"})]})
    respx.post(EXECUTE).mock(side_effect=sm)
    order = SubscriptionOrder(1001, "main", "102", date(2026, 12, 1), months=12,
                              card={"inn": "7736050003", "legal_name": "ООО Лютик", "email": "x@y.ru"})
    with pytest.raises(Rejected, match="subscriber 1001 at the provider has another ИНН.*not overwritten"):
        await fresh().create_subscription(order)
    assert [c[0] for c in sm.calls] == ["account/customers/attached_info"]  # no update, no subscription


def rarus(listed: list[dict]) -> tuple[RarusAdapter, respx.Route]:
    respx.get(RARUS + "/api/v1/trial-requests").mock(return_value=httpx.Response(200, json={"requests": listed}))
    made = respx.post(RARUS + "/api/v1/trial-requests").mock(
        return_value=httpx.Response(201, json={"request": {"id": 9}}))
    channel = HttpChannel("rarus", RARUS, headers={"Authorization": "Bearer d", "X-Partner-Code": "0320"},
                          policy=FAST, sleep=Sleeps())
    return RarusAdapter(channel).signed_in(RarusCredentials("beta-token", "0555")), made


@respx.mock
async def test_rarus_adopts_only_this_partners_request_for_this_inn():
    adapter, made = rarus([{"id": 3, "status": "done", "partner": "0555",
                            "customer": {"inn": "7707083893", "email": "glavbuh@romashka.ru"}}])
    with pytest.raises(Rejected, match="another ИНН"):
        await adapter.request_access(REQUEST)
    assert made.call_count == 0


@respx.mock
async def test_rarus_refuses_another_partners_request_and_signs_in_as_the_partner():
    adapter, made = rarus([{"id": 3, "status": "done", "partner": "0320",
                            "customer": {"inn": "7736050003", "email": "glavbuh@romashka.ru"}}])
    with pytest.raises(Rejected, match="another partner") as refused:
        await adapter.request_access(REQUEST)
    assert refused.value.rule == "RA-ONB-06"
    listed = respx.calls[0].request
    assert listed.headers["authorization"] == "Bearer beta-token" and listed.headers["x-partner-code"] == "0555"


@respx.mock
async def test_rarus_standing_code_and_cabinet_code_must_agree():
    adapter, _ = rarus([])
    with pytest.raises(Misconfigured, match="0320.*0555"):
        await adapter.request_access(AccessRequest("ООО", REQUEST.users, inn="7736050003", products=("bp",),
                                                   partner_code="0320"))
