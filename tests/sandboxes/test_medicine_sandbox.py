"""1С:Медицина: certificate requests by real SMTP, the 10:00 batch, and invitations that need certificates."""
from __future__ import annotations

import smtplib
import time
from datetime import datetime
from email.message import EmailMessage

from pricing import MOSCOW

from .conftest import Medicine

PARTNER = "partner@franchise.ru"
USER = {"email": "doctor@clinic.ru", "user_name": "Петров Петр Петрович", "phone": "+79161234567",
        "organisation": "ГБУЗ Городская больница №1", "inn": "7707083893", "timezone": "Europe/Moscow"}


def certificate_request(*, to="af@1c.ru", cc="medfresh@1c.ru", subject="Абонент №48. Подключение к АФ пользователей клиента",
                        body=None, message_id="<req-1@franchise.ru>") -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = PARTNER, to, subject
    if cc:
        message["Cc"] = cc
    message["Message-ID"] = message_id
    message.set_content(body if body is not None else
                        "Партнер: ООО Франчайзи\nНомер абонента партнера: 48\nКлиент: ГБУЗ Городская больница №1\n"
                        "Номер абонента клиента: Новый клиент\nПользователи:\n"
                        f"1. {USER['user_name']}; {USER['email']}; {USER['phone']}\n")
    return message


def send(med: Medicine, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", med.desk_port, timeout=10) as smtp:
        smtp.send_message(message)


def wait_for_mail(med: Medicine, count: int) -> list:
    deadline = time.monotonic() + 10
    while len(med.sink.to(PARTNER)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return med.sink.to(PARTNER)


def test_med_onb_02_03_04_certificate_then_invitation(medicine: Medicine):
    sm = medicine.sm
    sm.set_clock(datetime(2026, 11, 18, 9, 30, tzinfo=MOSCOW))
    assert sm.refused("invitation/send", **USER)["rule"] == "MED-ONB-04"  # no certificate yet
    send(medicine, certificate_request())
    [accepted] = wait_for_mail(medicine, 1)
    assert accepted.subject.startswith("Заявка принята") and "2026-11-18T10:00:00+03:00" in accepted.body
    assert accepted.in_reply_to == "<req-1@franchise.ru>"
    assert sm.refused("invitation/send", **USER)["rule"] == "MED-ONB-04"  # requested, not issued before 10:00
    sm.set_clock(datetime(2026, 11, 18, 10, 0, 1, tzinfo=MOSCOW))
    issued = wait_for_mail(medicine, 2)[1]
    assert issued.subject.startswith("Сертификаты выпущены") and USER["email"] in issued.body
    invitation = sm.ok("invitation/send", **USER)["invitation"]
    assert invitation["tariff"] == "1С:Медицина. Больница через Интернет ТЕСТОВЫЙ" and invitation["trial_days"] == 30


def test_med_onb_03_batch_across_a_weekend_and_a_holiday(medicine: Medicine):
    sm = medicine.sm
    sm.set_clock(datetime(2026, 11, 20, 17, 0, tzinfo=MOSCOW))  # Friday evening
    send(medicine, certificate_request())
    wait_for_mail(medicine, 1)
    requests = sm.http.get("/_control/certificates").json()["requests"]
    assert requests[0]["issue_at"] == "2026-11-23T10:00:00+03:00"
    sm.set_clock(datetime(2026, 11, 3, 10, 30, tzinfo=MOSCOW))  # the day before Unity Day (4 Nov)
    send(medicine, certificate_request(message_id="<req-2@franchise.ru>"))
    wait_for_mail(medicine, 2)
    assert sm.http.get("/_control/certificates").json()["requests"][1]["issue_at"] == "2026-11-05T10:00:00+03:00"


def test_med_onb_02_malformed_requests_are_answered_with_what_is_missing(medicine: Medicine):
    send(medicine, certificate_request(cc=None, subject="Сертификаты пожалуйста",
                                       body="Партнер: ООО Франчайзи\nПользователи:\n"))
    [rejection] = wait_for_mail(medicine, 1)
    assert rejection.subject.startswith("Заявка отклонена")
    for missing in ("копия medfresh@1c.ru", "тема", "Номер абонента партнера", "пользователи"):
        assert missing in rejection.body
    assert medicine.sm.http.get("/_control/certificates").json()["requests"] == []


def test_med_onb_06_egisz_uses_the_one_day_connection_tariff(medicine: Medicine):
    sm = medicine.sm
    send(medicine, certificate_request())
    wait_for_mail(medicine, 1)
    sm.advance(2 * 86400)
    sm.http.post("/_control/certificates/issue-due")
    invitation = sm.ok("invitation/send", **USER, tariff="1С:Медицина. Регион для интеграции с ЕГИСЗ ПОДКЛЮЧЕНИЕ")["invitation"]
    assert invitation["trial_days"] == 1
    refusal = sm.refused("invitation/send", **USER, tariff="1С:Медицина. Регион для интеграции с ЕГИСЗ")
    assert refusal["rule"] == "FAM-ONB-02"


def test_med_onb_04_invitation_carries_every_field(medicine: Medicine):
    partial = {k: v for k, v in USER.items() if k not in ("inn", "timezone")}
    refusal = medicine.sm.refused("invitation/send", **partial)
    assert refusal["rule"] == "MED-ONB-04" and "inn" in refusal["message"] and "timezone" in refusal["message"]


def subscribed(medicine: Medicine) -> int:
    """USER's certificate issued, its invitation sent and activated: the new subscriber's number."""
    sm = medicine.sm
    send(medicine, certificate_request())
    wait_for_mail(medicine, 1)
    sm.advance(2 * 86400)
    sent = sm.ok("invitation/send", **USER)["invitation"]
    sm.http.post(f"/_control/invitations/{sent['id']}/activate")
    return sm.ok("invitation/info", id=sent["id"])["invitation"]["subscriber"]


def test_med_onb_08_card_and_med_disc_01_discount(medicine: Medicine):
    sm = medicine.sm
    number = subscribed(medicine)
    assert sm.ok("account/customers/attached_info", subscriber=number)["missing"] == ["kpp"]  # the rest came with the invitation
    refusal = sm.refused("account/customer_subscriptions/create", subscriber=number,
                         tariff="1С:Медицина. Больница через Интернет", months=12)
    assert refusal["rule"] == "FAM-ONB-04" and "MED-ONB-08" in refusal["message"]
    sm.ok("account/customers/update_attached_info", subscriber=number, card={"kpp": "773601001"})
    created = sm.ok("account/customer_subscriptions/create", subscriber=number,
                    tariff="1С:Медицина. Больница через Интернет", months=12)["subscription"]
    assert created["discount_percent"] == 40


def test_the_same_message_sent_twice_is_one_request(medicine: Medicine):
    send(medicine, certificate_request())
    send(medicine, certificate_request())  # a retry after a lost SMTP answer: same Message-ID
    wait_for_mail(medicine, 1)
    assert len(medicine.sm.http.get("/_control/certificates").json()["requests"]) == 1
    send(medicine, certificate_request(message_id="<req-9@franchise.ru>"))  # a new request
    wait_for_mail(medicine, 2)
    assert len(medicine.sm.http.get("/_control/certificates").json()["requests"]) == 2


def test_med_onb_02_04_further_users_are_added_only_with_their_own_certificates(medicine: Medicine):
    sm = medicine.sm
    number = subscribed(medicine)
    nurse = {"name": "Сидорова Мария Ивановна", "email": "nurse@clinic.ru", "phone": "+79160000003"}
    assert sm.refused("account/customers/users/add", subscriber=number, users=[nurse])["rule"] == "MED-ONB-04"
    batch = f"1. {nurse['name']}; {nurse['email']}; {nurse['phone']}\n"
    send(medicine, certificate_request(message_id="<req-2@franchise.ru>", body=(
        f"Партнер: ООО Франчайзи\nНомер абонента партнера: 48\nКлиент: ГБУЗ Городская больница №1\n"
        f"Номер абонента клиента: {number}\nПользователи:\n{batch}")))
    wait_for_mail(medicine, 3)
    sm.advance(2 * 86400)
    added = sm.ok("account/customers/users/add", subscriber=number, users=[nurse])["users"]
    again = sm.ok("account/customers/users/add", subscriber=number, users=[nurse])["users"]  # a retry adds nothing
    assert [u["email"] for u in added] == [u["email"] for u in again] == ["nurse@clinic.ru"]
