"""Rules the hub and the provider sandboxes both apply, written once (issue 11, "one room per feature"):
FAM-SUB-10 no downgrade and помесячно shortening, FAM-SUB-11 a started month billed whole, FAM-ONB-04 card
completeness, FAM-SUB-07 the promised week — in pricing/subscription_rules.py and providers/cards.py, and
both sides import those very objects instead of writing them again."""
from __future__ import annotations

import ast
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from pricing import period_end
from pricing.catalog import PeriodPrice, Tariff
from pricing.subscription_rules import PROMISED_PAYMENT_DAYS, downgrade_blocked, shortened, shortens, shortest
from providers import PROFILES, missing_card_fields
from providers.cards import missing_card_fields as cards_missing_card_fields

ROOT = Path(__file__).resolve().parents[2]
START, END = date(2026, 1, 15), date(2026, 7, 14)


def tariff(name: str, monthly_price: str, *, monthly: bool = False, kind: str = "main",
           applications: tuple[str, ...] = ("bp",)) -> Tariff:
    return Tariff(name, kind, prices=(PeriodPrice(1, Decimal(monthly_price), "sample"),), monthly=monthly,  # type: ignore[arg-type]
                  applications=applications)


PROF, BASE = tariff("ПРОФ", "3000"), tariff("Базовый", "1000")


# --- FAM-SUB-10: no downgrade ------------------------------------------------------------------------------
def test_fam_sub_10_a_lower_tariff_inside_the_current_period_is_blocked():
    assert downgrade_blocked(PROF, START, END, BASE, date(2026, 3, 1))
    assert downgrade_blocked(PROF, START, END, BASE, START, decided_on=START)
    assert downgrade_blocked(PROF, START, END, BASE, END, decided_on=END)


def test_fam_sub_10_the_same_or_a_higher_tariff_is_no_downgrade():
    assert not downgrade_blocked(BASE, START, END, PROF, date(2026, 3, 1))
    assert not downgrade_blocked(PROF, START, END, PROF, date(2026, 3, 1))


def test_fam_sub_10_a_pomesyachno_current_one_is_never_in_the_way():
    monthly_prof = tariff("ПРОФ помесячно", "3300", monthly=True)
    assert not downgrade_blocked(monthly_prof, START, END, BASE, date(2026, 3, 1))
    # the provider reads the subscription's own flag, which wins over the tariff's
    assert not downgrade_blocked(PROF, START, END, BASE, date(2026, 3, 1), current_monthly=True)
    assert downgrade_blocked(monthly_prof, START, END, BASE, date(2026, 3, 1), current_monthly=False)


def test_fam_sub_10_the_provider_lets_it_start_after_the_end_the_hub_orders_it_only_after_the_end():
    after_end = END.replace(day=15)
    assert not downgrade_blocked(PROF, START, END, BASE, after_end)  # the provider: starts after the end
    assert downgrade_blocked(PROF, START, END, BASE, after_end, decided_on=date(2026, 3, 1))  # the hub: still runs
    assert not downgrade_blocked(PROF, START, END, BASE, after_end, decided_on=after_end)  # the hub: it has ended


def test_fam_sub_10_only_a_main_tariff_of_the_same_line_counts():
    assert not downgrade_blocked(PROF, START, END, tariff("Касса", "100", applications=("kassa",)), date(2026, 3, 1))
    assert not downgrade_blocked(PROF, START, END, tariff("ИТС", "100", kind="its_transition"), date(2026, 3, 1))
    assert not downgrade_blocked(None, START, END, BASE, date(2026, 3, 1))  # an unknown current tariff
    assert not downgrade_blocked(PROF, START, END, BASE, START.replace(day=1))  # before the current one starts


# --- FAM-SUB-10/11: a помесячно subscription shortened by whole months -------------------------------------
def test_fam_sub_10_a_pomesyachno_subscription_is_shortened_by_fewer_months_and_nothing_else():
    assert shortens(True, 6, 3)
    assert shortens(True, 6, "3")  # as the provider's parameters carry it
    assert not shortens(True, 6, 6) and not shortens(True, 6, 7)
    assert not shortens(True, 6, None)
    assert not shortens(False, 6, 3)  # a regular subscription is corrected, not shortened
    assert not shortens(True, 6, 3, other_changes=True)  # a new start or a cancellation is a correction


def test_fam_sub_11_a_started_month_is_billed_whole():
    assert shortest(START, START) == 1
    assert shortest(START, date(2026, 1, 1)) == 1  # not started yet: still one month at least
    assert shortest(START, date(2026, 2, 14)) == 1  # the last day of the first month
    assert shortest(START, date(2026, 2, 15)) == 2  # a single day of the second month counts in full
    assert shortest(START, date(2026, 5, 1)) == 4


def test_fam_sub_11_the_shortened_period_and_its_equal_monthly_parts():
    assert shortened(START, 2, Decimal("1100.50")) == (period_end(START, 2), Decimal("2201.00"))
    assert shortened(START, 3, None) == (date(2026, 4, 14), None)


# --- FAM-ONB-04: card completeness -------------------------------------------------------------------------
def test_fam_onb_04_absent_none_and_empty_fields_are_missing_in_the_profiles_order():
    card = {"legal_name": "ООО Ромашка", "inn": "", "kpp": None}
    assert missing_card_fields(card, ("legal_name", "inn", "kpp", "phone")) == ["inn", "kpp", "phone"]
    assert missing_card_fields(card, ()) == []


def test_fam_onb_04_a_legal_name_that_is_an_e_mail_counts_as_missing():
    card = {"legal_name": "boss@romashka.ru", "email": "boss@romashka.ru", "inn": "7707083893", "new_to_1c": False}
    assert missing_card_fields(card, PROFILES["fresh_ru"].card_fields) == ["legal_name"]
    assert missing_card_fields(card, ("email", "new_to_1c")) == []  # an e-mail is fine where it belongs; False is an answer


def test_fam_onb_04_the_hub_and_the_sandbox_give_the_same_answer():
    from hub.customers.service import card_missing as hub_card_missing
    from providers.sandbox import FreshPartner, FreshSandboxState, SandboxClock
    from providers.sandbox.fresh.records import Subscriber
    from pricing import load_catalogs

    card = {"legal_name": "a@b.ru", "inn": "7707083893", "kpp": None, "bin_iin": None, "phone": "", "email": "a@b.ru",
            "new_to_1c": None}
    hub = hub_card_missing({**card, "country": "RU", "its": None, "accounts": None})
    catalogs = load_catalogs()
    for provider in ("fresh_ru", "medicine"):
        state = FreshSandboxState(PROFILES[provider], catalogs[provider],
                                  SandboxClock(datetime(2026, 1, 15, 9, tzinfo=timezone.utc)), FreshPartner())
        subscriber = Subscriber(1001, dict(card), "Пробный период", START, END, 1)
        assert state.card_missing(subscriber) == hub[provider] == missing_card_fields(card, PROFILES[provider].card_fields)


# --- FAM-SUB-07: the promised payment --------------------------------------------------------------------
def test_fam_sub_07_the_promised_payment_is_a_week():
    assert PROMISED_PAYMENT_DAYS == 7


# --- written once: both sides import the shared objects --------------------------------------------------
SHARED = {
    "pricing.subscription_rules": {"PROMISED_PAYMENT_DAYS", "downgrade_blocked", "shortens", "shortest", "shortened"},
    "providers.cards": {"missing_card_fields"},
}
CONSUMERS = {  # module → {(where it imports from, name)}
    "hub/subscriptions/order_rules.py": {("pricing.subscription_rules", "downgrade_blocked")},
    "hub/subscriptions/corrections.py": {("pricing.subscription_rules", "shortens"),
                                         ("pricing.subscription_rules", "shortest")},
    "hub/subscriptions/agreement.py": {("pricing.subscription_rules", "PROMISED_PAYMENT_DAYS")},
    "hub/subscriptions/service_manager.py": {("pricing.subscription_rules", "PROMISED_PAYMENT_DAYS")},
    "hub/customers/service.py": {("providers", "missing_card_fields")},
    "providers/sandbox/fresh/subscriptions.py": {("pricing.subscription_rules", "downgrade_blocked")},
    "providers/sandbox/fresh/changes.py": {("pricing.subscription_rules", "PROMISED_PAYMENT_DAYS"),
                                           ("pricing.subscription_rules", "shortens"),
                                           ("pricing.subscription_rules", "shortest"),
                                           ("pricing.subscription_rules", "shortened")},
    "providers/sandbox/fresh/subscribers.py": {("providers.cards", "missing_card_fields")},
}


def imported(path: Path) -> set[tuple[str, str]]:
    """(absolute module, name) of every ``from … import name`` in ``path``."""
    package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found |= {(module, alias.name) for alias in node.names}
    return found


def defined(path: Path) -> set[str]:
    """The names ``path`` binds at module level itself: functions, classes, assignments."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("module", sorted(CONSUMERS))
def test_the_hub_and_the_sandbox_import_the_shared_rules(module):
    path = ROOT / module
    assert CONSUMERS[module] <= imported(path)
    assert not defined(path) & set().union(*SHARED.values()), f"{module} writes a shared rule again"


def test_no_module_of_the_hub_or_the_sandboxes_writes_a_shared_rule_again():
    homes = {ROOT / (m.replace(".", "/") + ".py") for m in SHARED}
    again = set().union(*SHARED.values())
    found = [f"{p.relative_to(ROOT)}: {sorted(defined(p) & again)}"
             for root in (ROOT / "hub", ROOT / "providers") for p in sorted(root.rglob("*.py"))
             if p not in homes and defined(p) & again]
    assert found == []


def test_the_shared_rules_are_pure():
    for module in SHARED:
        path = ROOT / (module.replace(".", "/") + ".py")
        sources = {m for m, _ in imported(path)} | {a.name for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                                                     if isinstance(n, ast.Import) for a in n.names}
        assert not {s for s in sources if s.split(".")[0] in ("hub", "adapters") or s.startswith("providers.sandbox")}


def test_one_object_on_both_sides():
    import hub.customers.service as customers
    import hub.subscriptions.agreement as agreement
    import hub.subscriptions.corrections as corrections
    import hub.subscriptions.order_rules as order_rules
    import hub.subscriptions.service_manager as service_manager
    import pricing.subscription_rules as rules
    import providers.sandbox.fresh.changes as sandbox_changes
    import providers.sandbox.fresh.subscribers as sandbox_subscribers
    import providers.sandbox.fresh.subscriptions as sandbox_subscriptions

    assert order_rules.downgrade_blocked is sandbox_subscriptions.downgrade_blocked is rules.downgrade_blocked
    assert corrections.shortens is sandbox_changes.shortens is rules.shortens
    assert corrections.shortest is sandbox_changes.shortest is rules.shortest
    assert customers.missing_card_fields is sandbox_subscribers.missing_card_fields is cards_missing_card_fields
    assert agreement.PROMISED_PAYMENT_DAYS == service_manager.PROMISED_PAYMENT_DAYS == sandbox_changes.PROMISED_PAYMENT_DAYS \
        == rules.PROMISED_PAYMENT_DAYS


def test_fr_price_02_fk_price_02_the_invoiced_months_are_one_rule_for_the_sandbox_and_the_ledger():
    import ast
    from datetime import date
    from pathlib import Path

    from pricing.invoicing import invoiced_months

    assert invoiced_months(date(2027, 1, 15), False, 12) == ["2027-01"]  # FR-PRICE-02: regular, once
    assert invoiced_months(date(2026, 12, 31), True, 3) == ["2026-12", "2027-01", "2027-02"]  # помесячно parts
    root = Path(__file__).resolve().parents[2]
    for user in ("providers/sandbox/fresh/state.py", "hub/reconciliation/ledger.py"):
        imported = {a.name for n in ast.walk(ast.parse((root / user).read_text())) if isinstance(n, ast.ImportFrom)
                    and n.module == "pricing.invoicing" for a in n.names}
        assert "invoiced_months" in imported, user
