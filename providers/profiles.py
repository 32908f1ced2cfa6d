"""What each cloud is, as data: trials, calendars, windows, mailboxes (RULES §2, §3, §5, §6).

The hub's services read these instead of branching on the provider's name.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo

from pricing import MOSCOW

ALMATY = ZoneInfo("Asia/Almaty")

# the providers a request may name, written once: the keys of PROFILES below (tests/unit/test_shapes.py)
ProviderName = Literal["fresh_ru", "fresh_kz", "medicine", "rarus"]


@dataclass(frozen=True)
class Profile:
    provider: str
    title: str
    country: str  # the working-day calendar (CAL-02)
    deadline_tz: ZoneInfo  # provider deadlines (CAL-01)
    trial_days: int
    trial_rule: str
    mailbox: str  # corrections, cancellations, early transfers (RULES §5)
    interface: str = "service_manager"  # the partner interface spoken: "service_manager" (ext_api) or "rarus_cabinet"
    transfer_window_days: int | None = None  # FR-SUB-16, FK-SUB-16
    transfer_rule: str | None = None
    certificate_batch: time | None = None  # MED-ONB-03
    certificate_mailboxes: tuple[str, ...] = ()  # MED-ONB-02: to, then copies
    max_trial_users: int | None = None  # RA-ONB-01
    customer_country: str = "RU"  # whose customers it serves
    card_fields: tuple[str, ...] = ()  # what the card needs before a paid subscription (FAM-ONB-04)
    agent_documents_mailbox: str | None = None  # RA-COMM-02: where the signed agent report, act and invoice go
    agent_fee_payer: str | None = None  # RA-COMM-02: whom the partner invoices for its agent fee
    card_rule: str | None = None
    self_extension: tuple[int, int] | None = None  # FAM-SUB-06: (+sessions, +bases) for 7 days
    self_correction_minutes: int = 0  # FR-SUB-12: the partner corrects a subscription itself within this
    correction_rule: str | None = None
    invitation_fields: tuple[str, ...] = ("email",)  # what an invitation carries (MED-ONB-04)
    invitation_rule: str = "FAM-ONB-01"
    requires_certificate: bool = False  # MED-ONB-04: invite only after the secure channel is set up
    onboarding: tuple[str, ...] = ("invite",)  # the outbound steps of an enrollment, in order (RULES §2)
    account_field: str = ""  # where the customer's account at this provider is kept (hub customer card)
    access_wait: str = "the customer to activate the invitation"  # what the hub waits for after the request
    access_wait_minutes: int | None = None  # how long that usually takes, when the manual says (RA-ONB-03)
    access_rule: str | None = None
    reply_subjects: dict[str, str] = field(default_factory=dict)  # e-mail answers: outcome → subject prefix
    # the trial an invitation naming no tariff starts: a catalog tariff (MED-ONB-05), or None for the provider's
    # standard trial of ``trial_days`` (FR-ONB-01, FK-ONB-01) — never "the first trial tariff in the catalog"
    trial_tariff: str | None = None
    # the partner's own test access (RA-ONB-07): how long, and what the request's comment must say to get it
    partner_trial_days: int | None = None
    partner_trial_comment: str | None = None
    partner_trial_rule: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


PROFILES: dict[str, Profile] = {
    "fresh_ru": Profile("fresh_ru", "1С:Фреш", "RU", MOSCOW, 30, "FR-ONB-01", "info@1cfresh.com", transfer_window_days=30, transfer_rule="FR-SUB-16",
                        card_fields=("legal_name", "inn", "new_to_1c"), card_rule="FR-ONB-02",
                        self_extension=(2, 8), self_correction_minutes=10, correction_rule="FR-SUB-12",
                        account_field="fresh_ru_subscriber", access_rule="FAM-ONB-01"),
    "fresh_kz": Profile("fresh_kz", "1С:Фреш Казахстан", "KZ", MOSCOW, 30, "FK-ONB-01", "info@1cfresh.kz", transfer_window_days=14, transfer_rule="FK-SUB-16",
                        customer_country="KZ", card_fields=("legal_name", "bin_iin"), card_rule="FK-ONB-02",
                        correction_rule="FK-SUB-12", account_field="fresh_kz_subscriber", access_rule="FAM-ONB-01",
                        extra={"support_hours_tz": str(ALMATY)}),
    "medicine": Profile("medicine", "1С:Медицина через Интернет", "RU", MOSCOW, 30, "MED-ONB-05", "medfresh@1c.ru",
                        certificate_batch=time(10, 0), certificate_mailboxes=("af@1c.ru", "medfresh@1c.ru"),
                        card_fields=("legal_name", "inn", "kpp", "phone", "email"), card_rule="MED-ONB-08",
                        self_extension=(1, 1), self_correction_minutes=10, correction_rule="FR-SUB-12",
                        invitation_fields=("email", "user_name", "phone", "organisation", "inn", "timezone"),
                        invitation_rule="MED-ONB-04",
                        requires_certificate=True, onboarding=("certificates", "invite"),
                        account_field="medicine_subscriber", access_rule="FAM-ONB-01",
                        reply_subjects={"issued": "Сертификаты выпущены", "rejected": "Заявка отклонена",
                                        "accepted": "Заявка принята"},
                        trial_tariff="1С:Медицина. Больница через Интернет ТЕСТОВЫЙ"),
    "rarus": Profile("rarus", "1С-Рарус «Аренда 1С»", "RU", MOSCOW, 14, "RA-ONB-01", "oblako@rarus.ru", interface="rarus_cabinet", max_trial_users=5,
                        card_fields=("legal_name", "inn", "email"), card_rule="RA-ONB-05",
                        onboarding=("trial_request",), account_field="rarus_login",
                        access_wait="Rarus to issue the trial credentials", access_wait_minutes=20,
                        access_rule="RA-ONB-03", agent_documents_mailbox="ptrsaas@rarus.ru",
                        agent_fee_payer="ООО «Рарус-Софт»", partner_trial_days=30, partner_trial_rule="RA-ONB-07",
                        partner_trial_comment="Доступ необходим для партнера облачного сервиса"),
}


# Where `hub sandboxes` / `hub up` serve each stand-in by default; the hub's default settings point here.
SANDBOX_HOST = "127.0.0.1"
SANDBOX_PORTS = {"fresh_ru": 8101, "fresh_kz": 8102, "medicine": 8103, "rarus": 8104, "medicine_smtp": 8125,
                 "mail_sink_smtp": 8126, "mail_sink_inbox": 8105}
