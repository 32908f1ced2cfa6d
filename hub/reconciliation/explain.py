"""Why a provider may have billed another discount than the hub priced: the catalog's discount tiers
(FR-DISC-01…05, FK-DISC-01, MED-DISC-01) read backwards — which standing or card answer gives the
percentage billed."""
from __future__ import annotations

from pricing import Catalog

from hub.reconciliation.matching import Cause


def discount_cause(catalog: Catalog) -> Cause:
    policy = catalog.discounts

    def cause(expected: int | None, billed: int | None, rule: str | None) -> str | None:
        if policy is None or expected is None or billed is None or expected == billed:
            return None
        raised = policy.raised
        said = f"billed {billed}% instead of {expected}%"
        if raised is not None and expected == raised.first_new_customer and billed in (raised.first_renewal, raised.upgrade):
            return (f"{said}: the provider counted it as a renewal or an upgrade, not a new customer's first "
                    f"subscription ({raised.rule}) — the card's «Новый клиент 1С?» answer, or the customer was known to 1C")
        if raised is not None and expected in (raised.first_new_customer, raised.first_renewal, raised.upgrade, raised.renewal) \
                and billed == policy.with_csk.percent and expected != policy.with_csk.percent:
            return (f"{said}: the raised discount ({raised.rule}) was not applied — the Сервис-деск record of that month "
                    "did not qualify, or the connection to Сервис-деск counts only from the month after it")
        if billed == policy.without_csk.percent and expected != policy.without_csk.percent:
            return (f"{said}: the tier of a partner without ЦСК status ({policy.without_csk.rule}) — check the "
                    "status 1C has on record for the partner")
        for name, tier in policy.classes.items():
            if billed == tier.percent:
                return f"{said}: the tier of {name} applications ({tier.rule}) — check the tariff's class"
        if raised is not None and billed == raised.first_new_customer:
            return (f"{said}: the new-customer tier ({raised.rule}) — the provider took the customer for new "
                    "to 1C; the hub's card says otherwise")
        if billed == policy.with_csk.percent:
            return f"{said}: the ЦСК tier ({policy.with_csk.rule})"
        return f"{said}: no discount tier of the {catalog.title} price list gives {billed}%"

    return cause
