"""Every value put into a composed e-mail is a single line (issue 9 §0).

The 1С:Медицина desk (MED-ONB-02) reads users from every line after "Пользователи:" and fields from
"Label: value" lines, so a line break in a stored legal name once added a fake user to a certificate
request. The desk's own parser (providers/sandbox/certificates.py) is the judge here.
"""
from __future__ import annotations

from email import message_from_bytes, policy

import pytest

from adapters import CertificateRequest, Rejected, User, compose_certificate_request
from adapters.mail import UnsafeMailValue, compose_mail, one_line
from providers.sandbox import SandboxClock
from providers.sandbox.certificates import CertificateDesk

SENDER = "partner@franchise.ru"
REAL = User("Петров Петр Петрович", "doctor@clinic.ru", "+79161234567")
EVIL = "evil@x.ru"
BREAKS = ["\n", "\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1e"]  # all split lines for str.splitlines


def request(**changes) -> CertificateRequest:
    fields = {"partner_name": "ООО Франчайзи", "partner_number": 48, "customer_name": "ГБУЗ Больница №1",
              "customer_number": None, "users": (REAL,)}
    return CertificateRequest(**{**fields, **changes})


def desk_reads(message) -> tuple[list[str], object]:
    """What the desk makes of the message as it arrives over SMTP (bytes, parsed again)."""
    arrived = message_from_bytes(message.as_bytes(), policy=policy.default)
    return CertificateDesk(SandboxClock()).read(arrived, SENDER)


def test_med_onb_02_a_clean_request_is_read_with_exactly_its_users():
    problems, parsed = desk_reads(compose_certificate_request(request(), SENDER, "<r1@hub.local>"))
    assert problems == [] and parsed.customer_name == "ГБУЗ Больница №1" and parsed.customer_number == "Новый клиент"
    assert [u["email"] for u in parsed.users] == [REAL.email]


def test_med_onb_02_the_attack_is_real_the_desk_takes_a_user_from_any_line():
    """Why composing matters: the same layout with a broken-out legal name gives the desk a fake user."""
    message = compose_certificate_request(request(), SENDER, "<r1@hub.local>")
    body = message.get_content().replace("Клиент: ГБУЗ Больница №1",
                                         f"Клиент: ГБУЗ Больница №1\nПользователи:\n1. Злоумышленник; {EVIL}; +70000000000")
    message.set_content(body)
    _, parsed = desk_reads(message)
    assert EVIL in [u["email"] for u in parsed.users]
    # folding the name into one line is not enough: the desk takes users after the first marker, wherever it is
    message.set_content(body.replace("\nПользователи:\n1.", " Пользователи: 1.", 1))
    assert message.get_content().count("\n") == 6
    _, parsed = desk_reads(message)
    assert EVIL in [u["email"] for u in parsed.users]


@pytest.mark.parametrize("brk", BREAKS, ids=repr)
@pytest.mark.parametrize("where", ["customer_name", "partner_name", "user_name", "user_email", "user_phone",
                                   "customer_number"])
def test_med_onb_02_a_line_break_in_any_field_is_refused_and_nothing_is_composed(where, brk):
    injected = f"Пользователи:{brk}1. Злоумышленник; {EVIL}; +70000000000"
    if where.startswith("user_"):
        attr = where.removeprefix("user_")
        user = User(**{"name": REAL.name, "email": REAL.email, "phone": REAL.phone, attr: f"x{brk}{injected}"})
        bad = request(users=(user,))
        field = f"users[0].{attr}"
    else:
        bad = request(**{where: f"x{brk}{injected}"})
        field = where
    with pytest.raises(UnsafeMailValue) as refused:
        compose_certificate_request(bad, SENDER, "<r1@hub.local>")
    assert refused.value.field == field and refused.value.rule == "MED-ONB-02"
    assert isinstance(refused.value, Rejected)  # the worker marks the operation rejected: no retry, nothing sent
    assert field in refused.value.message


def test_med_onb_02_a_semicolon_in_a_user_field_is_refused():
    for user in (User(f"Петров; {EVIL}", REAL.email, REAL.phone), User(REAL.name, REAL.email, f"+7; {EVIL}")):
        with pytest.raises(UnsafeMailValue, match="';'"):
            compose_certificate_request(request(users=(user,)), SENDER, "<r1@hub.local>")
    # ";" in the legal name is no separator there: the request goes out and the desk reads one user
    _, parsed = desk_reads(compose_certificate_request(request(customer_name="ООО А; Б"), SENDER, "<r1@hub.local>"))
    assert parsed.customer_name == "ООО А; Б" and [u["email"] for u in parsed.users] == [REAL.email]


@pytest.mark.parametrize("where", ["customer_name", "partner_name"])
def test_med_onb_02_the_users_marker_inside_a_value_is_refused(where):
    """No line break at all: "ООО Пользователи: 1. Злоумышленник; evil@x.ru; +7" still gave the desk a user."""
    with pytest.raises(UnsafeMailValue, match="Пользователи:") as refused:
        compose_certificate_request(request(**{where: f"ООО Пользователи: 1. Злоумышленник; {EVIL}; +70000000000"}),
                                    SENDER, "<r1@hub.local>")
    assert refused.value.field == where and refused.value.rule == "MED-ONB-02"


def test_one_line_folds_every_break_into_one_space():
    assert one_line("ООО Ромашка\r\nНомер абонента: 999") == "ООО Ромашка Номер абонента: 999"
    for brk in BREAKS + ["\x00", "\t", "\x7f"]:
        assert one_line(f"a{brk}b") == "a b"
    assert one_line(None) == "" and one_line(1001) == "1001"


def test_compose_mail_folds_the_subject_and_refuses_a_second_recipient():
    message = compose_mail(SENDER, "buh@romashka.ru", "Подписка «ПРОФ»\r\nBcc: evil@x.ru", "Здравствуйте!\n", "<n1@hub.local>")
    arrived = message_from_bytes(message.as_bytes(), policy=policy.default)
    assert arrived["Subject"] == "Подписка «ПРОФ» Bcc: evil@x.ru" and arrived["Bcc"] is None
    for to in ("buh@romashka.ru\r\nBcc: evil@x.ru", "buh@romashka.ru, evil@x.ru", "buh@romashka.ru; evil@x.ru", ""):
        with pytest.raises(UnsafeMailValue) as refused:
            compose_mail(SENDER, to, "S", "B\n", "<n1@hub.local>")
        assert refused.value.field == "to"
