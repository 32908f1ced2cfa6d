"""The subscriber card a paid subscription needs (FAM-ONB-04), written once for the hub and the sandboxes.

Which fields each provider requires is its profile's ``card_fields`` (FR-ONB-02, FK-ONB-02, MED-ONB-08,
RA-ONB-05); this says when one of them is still missing.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def missing_card_fields(card: Mapping[str, Any], fields: Iterable[str]) -> list[str]:
    """FAM-ONB-04: the ``fields`` of ``card`` that still block a paid subscription, in their order: absent,
    None or empty — and a legal name that is an e-mail address (what an invitation knows before the card is
    filled) counts as missing."""
    return [field for field in fields if card.get(field) is None or card.get(field) == ""
            or (field == "legal_name" and "@" in str(card[field]))]
