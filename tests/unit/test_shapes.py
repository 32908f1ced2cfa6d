"""The shapes written once: the provider names, a listing's page, the request base."""
from __future__ import annotations

from typing import get_args

import msgspec
import pytest

from hub.core.paging import Page
from hub.core.schemas import Input
from hub.subscriptions import LIVE, SubscriptionOut
from hub.transfers import TransferCreate
from providers import PROFILES, ProviderName


def test_the_provider_names_are_the_profiles():
    assert set(get_args(ProviderName)) == set(PROFILES)


def test_a_request_refuses_unknown_fields():
    assert issubclass(TransferCreate, Input)
    with pytest.raises(msgspec.ValidationError):
        msgspec.json.decode(b'{"customer_id": "c", "provider": "fresh_ru", "direction": "outgoing", '
                            b'"other_partner": "Partner", "surprise": 1}', type=TransferCreate)


def test_a_page_carries_its_items_and_window():
    page = Page[SubscriptionOut]([], 0, 50, 0)
    assert msgspec.json.decode(msgspec.json.encode(page)) == {"items": [], "total": 0, "limit": 50, "offset": 0}
    assert LIVE == ("requested", "awaiting_payment", "active")
