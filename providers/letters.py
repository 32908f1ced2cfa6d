"""The e-mail requests the manuals prescribe (RULES §5, seed 003), as data: to whom, the subject, the fields
each must contain, where a field is filled from (the partner, the customer's card, its account at the
provider) and how long an answer takes. The hub checks the fields, sends the letter through the outbox and
tracks it (hub/letters).

A field's ``source`` is filled by the hub unless the operator gives the value: ``partner.name``,
``partner.code`` (the partner's 1C code: the fresh_ru standing's, for 1C's head office), ``customer.legal_name``,
``customer.inn``, ``customer.inn_kpp``, ``customer.account`` (the customer's subscriber number or login at the
letter's provider). ``attachments`` name the files the operator attaches by hand (the hub lists them in the
letter; it sends no files). Where a manual gives no answer time, ``answer_days`` is None: the letter is
tracked as sent or answered, never overdue — set it here if the partner's experience says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass

from providers.profiles import PROFILES


@dataclass(frozen=True)
class Field:
    name: str
    label: str  # as the letter says it
    source: str | None = None  # filled by the hub from this unless given; None: the operator gives it
    required: bool = True


@dataclass(frozen=True)
class LetterKind:
    kind: str
    title: str
    provider: str  # whose mailbox: a provider, or "1c" for 1C's head office
    to: str
    subject: str  # may name fields: {customer_name}, {account}, …
    fields: tuple[Field, ...]
    rule: str  # the rule id, or the manual and section
    attachments: tuple[str, ...] = ()  # what the manual says to attach
    answer_days: int | None = None  # working days the provider takes to answer
    needs_paying: bool = False  # only for a customer who pays the provider already (RA-ONB-10)
    code_of: str | None = None  # whose standing holds the partner code; None: the letter's provider

    @property
    def code_provider(self) -> str:
        return self.code_of or self.provider


HEAD_OFFICE = "1c"  # 1C's departments (seed 003): not a cloud, but a mailbox the partner writes to

PARTNER = Field("partner_name", "Наименование организации партнера", "partner.name")
CODE = Field("partner_code", "Код партнера", "partner.code")
USER = Field("customer_name", "Наименование пользователя", "customer.legal_name")
INN = Field("customer_inn", "ИНН клиента", "customer.inn")
PRODUCT = Field("product", "Наименование и артикул программного продукта")
REG_NUMBER = Field("registration_number", "Регистрационный номер программного продукта")
QUESTION = Field("question", "Вопрос")
LOGIN = Field("account", "Логин клиента", "customer.account")
SUBSCRIBER = Field("account", "Номер абонента", "customer.account")


def _head_office(kind: str, to: str, title: str, fields: tuple[Field, ...], subject: str = "{title}: {partner_name}",
                 attachments: tuple[str, ...] = ()) -> LetterKind:
    return LetterKind(kind, title, HEAD_OFFICE, to, subject, fields, "seed 003 «FAQ по полезным контактам», " + to,
                      attachments, code_of="fresh_ru")  # 1C's partner code: the one fresh_ru knows the partner by


RARUS, FRESH_RU = PROFILES["rarus"], PROFILES["fresh_ru"]

LETTERS: dict[str, LetterKind] = {k.kind: k for k in (
    # 1С-Рарус (004; RULES §5)
    LetterKind("rarus_change", "Изменение подписки платящего клиента", "rarus", RARUS.mailbox,
               "Изменение подписки клиента {account}", (LOGIN, Field("new_parameters", "Новые параметры подписки")),
               "RA-BILL-02"),
    LetterKind("rarus_its_number", "Регистрационный номер ИТС", "rarus", RARUS.mailbox,
               "Регистрационный номер ИТС для клиента {account}", (LOGIN, Field("services", "Сервисы ИТС", required=False)),
               "RA-ONB-10", answer_days=3, needs_paying=True),
    LetterKind("rarus_payment_order", "Платежное поручение, чтобы не заблокировали", "rarus", "ovud@rarus.ru",
               "Платежное поручение клиента {account}", (LOGIN, Field("payment_order", "Платежное поручение (номер, дата, сумма)")),
               "RA-BILL-01", attachments=("скан платежного поручения",)),
    # 1С:Фреш (000, 001, 002)
    LetterKind("fresh_its_end", "Окончание тарифа ИТС по дате договора ИТС", "fresh_ru", FRESH_RU.mailbox,
               "Окончание переходного тарифа ИТС, абонент {account}",
               (CODE, SUBSCRIBER, Field("subscription", "Номер подписки"), Field("tariff", "Тариф (99 или 98)"),
                Field("its_end", "Дата окончания договора ИТС")), "FR-SUB-17"),
    # FAM-SUB-22: the card is updated first, then the provider is asked to check the subscriber's legal entity
    *(LetterKind(f"legal_entity_{name}", "Смена юрлица абонента", name, profile.mailbox,
                 "Смена юридического лица абонента {account}",
                 (CODE, SUBSCRIBER, Field("customer_name", "Новое наименование", "customer.legal_name"),
                  Field("customer_inn", "ИНН", "customer.inn"),
                  Field("previous_legal_name", "Прежнее наименование")), "FAM-SUB-22")
      for name, profile in PROFILES.items() if profile.interface == "service_manager"),
    # 1C's head office (seed 003)
    _head_office("lic", "lic@1c.ru", "Лицензирование", (PARTNER, CODE, USER, INN, PRODUCT, REG_NUMBER, QUESTION)),
    _head_office("its", "its@1c.ru", "Договор ИТС", (PARTNER, CODE, USER, QUESTION),
                 attachments=("заполненная заявка на договор ИТС",)),
    _head_office("its_otr", "its.otr@1c.ru", "Отраслевой ИТС", (PARTNER, CODE, REG_NUMBER, QUESTION)),
    _head_office("fran", "fran@1c.ru", "Работа с партнерами", (PARTNER, Field("partner_code", "Код партнера", "partner.code",
                                                                              required=False), QUESTION)),
    _head_office("zakaz", "zakaz@1c.ru", "Заявка на сайте поддержки", (PARTNER, CODE, Field("order", "Номер заявки (WZ…)"),
                                                                       Field("product", "Наименование и артикул по прайс-листу 1С",
                                                                             required=False), QUESTION)),
    _head_office("v8", "v8@1c.ru", "Технический вопрос по 1С:Предприятию 8",
                 (PARTNER, CODE, Field("nfr_number", "Регистрационный номер NFR поставки"), USER, INN,
                  Field("product", "Наименование и регистрационный номер программного продукта"),
                  Field("release", "Номер установленного релиза конфигурации"), QUESTION),
                 attachments=("файл с логами", "скриншоты ошибок")),
    _head_office("sales", "sales@1c.ru", "Заказ продуктов с USB",
                 (PARTNER, CODE, Field("products", "Артикулы и наименования продуктов"), USER,
                  Field("customer_inn_kpp", "ИНН/КПП", "customer.inn_kpp"),
                  Field("owned_products", "Ранее приобретенные продукты с регистрационными номерами")),
                 subject="Заказ продуктов с USB",
                 attachments=("скан заявления пользователя", "скриншот окна «О программе»")),
    _head_office("sovmest", "sovmest@1c.ru", "Продукты 1С:Совместно", (PARTNER, CODE, PRODUCT, QUESTION)),
    _head_office("zar", "zar@1c.ru", "Межстрановые продажи", (PARTNER, CODE, PRODUCT, Field("question", "Пояснение ситуации"))),
    _head_office("ck_corp", "ck_corp@1c.ru", "Центр компетенции КОРП", (PARTNER, CODE, USER, INN, Field("question", "Суть вопроса"))),
    _head_office("ckerp", "ckerp@1c.ru", "Центр компетенции ERP", (PARTNER, CODE, USER, INN, Field("question", "Суть вопроса"))),
    _head_office("hline", "hline@1c.ru", "Регистрация и перерегистрация",
                 (PARTNER, CODE, Field("product", "Полное наименование программного продукта"), REG_NUMBER, QUESTION),
                 attachments=("заявление клиента на имя ООО «Софтехно»",)),
)}
