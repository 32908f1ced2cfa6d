"""The catalogue of hub/core/russian.py: terms said whole, and English templates with ``{named}`` parts → their
Russian. Add a phrase here when a service or an engine says something new (tests/unit/test_russian.py finds it)."""
from __future__ import annotations

TERMS = {
    'a decimal number written with ASCII digits and a point, such as "3890.00"': "число цифрами с точкой, например «3890.00»",
    "a comma": "запятой",
    "a tab": "табуляцией",
    "Russia (region ru)": "из России",
    "Kazakhstan (region kz)": "из Казахстана",
    "the partner status «1С:Центр компетенции по медицине»": "статус партнёра «1С:Центр компетенции по медицине»",
    "the partner on 1C's КОРП list (ЦСК, first-line support, Сервис-деск)":
        "партнёр в списке КОРП 1С (ЦСК, первая линия поддержки, Сервис-деск)",
    "the partner status of an ERP competence centre": "статус партнёра — центр компетенции по ERP",
    "the partner status 1С:ЦСК": "статус партнёра 1С:ЦСК",
    "a medical organisation as the customer": "клиент — медицинская организация",
    "missing": "не задан",
    "empty": "пусто",
    "statement": "выписка",
    "agent report": "отчёт агента",
    "an amount with at most two decimals": "сумма, не больше двух знаков после запятой",
    "a whole percentage 0–100": "целый процент 0–100",
    "a date YYYY-MM-DD": "дата ГГГГ-ММ-ДД",
    "a month YYYY-MM": "месяц ГГГГ-ММ",
    "a value of at most 200 characters, without NUL": "значение не длиннее 200 знаков, без NUL",
    "no discount rule": "без правила скидки",
    "as expected": "как ожидалось",
    "industry": "отраслевые",
    "an ИНН": "ИНН",
    "a КПП": "КПП",
    "a БИН/ИИН": "БИН/ИИН",
    "a phone number": "номер телефона",
}

PHRASES: tuple[tuple[str, str], ...] = (
    # pricing/engines: eligibility, lines, warnings
    ("{title} serves customers in {region}", "{title} обслуживает клиентов {region}"),
    ("does not offer {what}", "не предлагает: {what}"),
    ("no tariff covers {what} together", "ни один тариф не покрывает вместе: {what}"),
    ("{tariff} has no price for {months} months", "у тарифа «{tariff}» нет цены на {months} мес."),
    ("{tariff} allows at most {count} concurrent sessions", "тариф «{tariff}» допускает не больше {count} одновременных сеансов"),
    ("{tariff}: more sessions or bases than it can add", "тариф «{tariff}»: больше сеансов или баз, чем к нему докупается"),
    ("needs {what}", "требуется {what}"),
    ("{tariff} needs {what}", "для «{tariff}» требуется {what}"),
    ("options not offered by {provider}: {what}", "опции, которых нет у {provider}: {what}"),
    ("sample price, not from the partner manuals — check the provider's current price list: {lines}",
     "цена-образец, а не из руководств партнёра — сверьте с действующим прайс-листом провайдера: {lines}"),
    ("{what}, {months} mo.", "{what}, {months} мес."),
    ("{what}, {months} × 1 mo.", "{what}, {months} × 1 мес."),
    ("{what} — alternately: {names}", "{what} — попеременно: {names}"),
    ("{what} — simultaneously", "{what} — одновременно"),
    ("«Аренда 1С» fits at most {connections} concurrent connections and {gb} GB of bases (this need: {count} "
     "connections, {storage} GB)", "«Аренда 1С» вмещает не больше {connections} одновременных подключений и {gb} ГБ баз "
     "(здесь: подключений {count}, {storage} ГБ)"),
    ("the first invoice covers {start}–{end}: {amount} = {whole} whole month(s) × {monthly} plus {parts} part "
     "month(s) by their days (RA-BILL-01; the part month is unverified)",
     "первый счёт — за {start}–{end}: {amount} = полных месяцев {whole} × {monthly} плюс неполных {parts} по дням "
     "(RA-BILL-01; расчёт неполного месяца по дням не подтверждён руководством)"),
    ("agent fee rate not set: give the standing's rarus.agent_fee_percent from the sub-agent contract (RA-COMM-01)",
     "ставка агентского вознаграждения не задана: укажите rarus.agent_fee_percent в профиле партнёра по "
     "субагентскому договору (RA-COMM-01)"),
    ("the raised first-subscription discount needs the card to say the customer is new to 1C (FR-ONB-02)",
     "повышенная скидка на первую подписку — только если в карточке клиента сказано, что он новый для 1С (FR-ONB-02)"),
    # pricing/catalogs: the tariffs' notes
    ("10 bases, at most 5 concurrent users (FK-PRICE-01)", "10 баз, не больше 5 одновременных пользователей (FK-PRICE-01)"),
    ("the customer pays monthly; the partner pays 1C in equal monthly parts",
     "клиент платит помесячно; партнёр платит 1С равными долями по месяцам"),
    ("free for ITS ПРОФ holders; starts with the ITS contract, at most 11 months (FK-SUB-17)",
     "бесплатно для владельцев ИТС ПРОФ; начинается с договора ИТС, не больше 11 месяцев (FK-SUB-17)"),
    ("unlimited users (FK-SUB-21)", "без ограничения пользователей (FK-SUB-21)"),
    ("the customer pays the whole period at once; the partner pays 1C in equal monthly parts (FR-PRICE-01: {example})",
     "клиент платит за весь период сразу; партнёр платит 1С равными долями по месяцам (FR-PRICE-01: {example})"),
    ("{amount} a month at {percent}%", "{amount} в месяц при {percent}%"),
    ("free until the end of the customer's local ITS ПРОФ contract; the period must cover its end date",
     "бесплатно до конца договора ИТС ПРОФ клиента; период должен покрывать дату его окончания"),
    ("ITS ТЕХНО postpaid holders pay the remaining months (FR-SUB-17)",
     "владельцы ИТС ТЕХНО с постоплатой платят за оставшиеся месяцы (FR-SUB-17)"),
    ("for the term of the franchise contract, at most 12 months; without one at most 6 (FR-SUB-21)",
     "на срок договора франчайзи, не больше 12 месяцев; без него — не больше 6 (FR-SUB-21)"),
    ("no trial: invited on the 1-day ПОДКЛЮЧЕНИЕ tariff (MED-ONB-06); invoiced only after the ЕГИСЗ approval "
     "(MED-ONB-07)", "без пробного периода: приглашение на однодневный тариф ПОДКЛЮЧЕНИЕ (MED-ONB-06); счёт — только "
     "после согласования ЕГИСЗ (MED-ONB-07)"),
    ("2 Континент-АП licences: at most 2 partner users unless more channels are bought (MED-ONB-10); the manual "
     "names no price: 0 here, set it in medicine.json", "2 лицензии Континент-АП: не больше 2 пользователей партнёра, "
     "если не докуплены каналы (MED-ONB-10); руководство не называет цену: здесь 0, задайте её в medicine.json"),
    ("created by 1C staff after the certificate request (MED-ONB-09)",
     "создаётся сотрудниками 1С после запроса сертификатов (MED-ONB-09)"),
    ("every concurrent connection priced by configuration (RA-PRICE-01/02)",
     "каждое одновременное подключение — по цене конфигурации (RA-PRICE-01/02)"),
    ("the manual gives no period; treated as monthly (RA-PRICE-04)",
     "руководство не называет период; считается помесячно (RA-PRICE-04)"),
    # hub/onboarding/views.py and providers/profiles.py: what a step waits for
    ("the certificates at the 10:00 working-day batch", "сертификатов — выпуск в 10:00 рабочего дня"),
    ("the certificate request to be sent", "отправки запроса на сертификаты"),
    ("the certificates first (MED-ONB-04)", "сначала сертификатов (MED-ONB-04)"),
    ("the request to be sent", "отправки запроса"),
    ("the trial to end", "окончания пробного периода"),
    ("a {days}-day trial", "пробного периода на {days} дн."),
    ("the customer to activate the invitation", "активации приглашения клиентом"),
    ("Rarus to issue the trial credentials", "выдачи Рарусом доступа к пробному периоду"),
    # hub/reports: notices
    ("the customer card has no e-mail", "в карточке клиента нет e-mail"),
    # hub/reconciliation: reasons, causes, notes, checklist
    ("billed the expected {billed}, but {what}", "выставлено ожидаемое {billed}, но {what}"),
    ("billed {billed} instead of {expected}: {what}", "выставлено {billed} вместо {expected}: {what}"),
    ("billed {billed} instead of {expected}", "выставлено {billed} вместо {expected}"),
    ("retail {billed} (the hub {expected})", "розничная цена {billed} (в хабе {expected})"),
    ("discount {billed}% (the hub {expected}%, {rule})", "скидка {billed}% (в хабе {expected}%, {rule})"),
    ("period {billed} (the hub {expected})", "период {billed} (в хабе {expected})"),
    ("tariff «{billed}» (the hub «{expected}»)", "тариф «{billed}» (в хабе «{expected}»)"),
    ("not on the statement of {month}: expected {expected} for {tariff}",
     "нет в выписке за {month}: ожидалось {expected} за «{tariff}»"),
    ("not due yet: the invoice falls due {day}", "срок ещё не наступил: счёт выставляется {day}"),
    ("it fell due {day}", "срок наступил {day}"),
    ("ask the provider why it is not billed", "спросите провайдера, почему он не выставлен"),
    ("billed {billed} for subscription {reference} ({tariff}), which the hub did not sell: made in the provider's "
     "cabinet by hand, or another partner's", "выставлено {billed} за подписку {reference} ({tariff}), которую хаб не "
     "продавал: заведена вручную в кабинете провайдера или принадлежит другому партнёру"),
    ("billed again for {reference}: the same subscription is on line {line}",
     "повторно выставлено за {reference}: та же подписка есть в строке {line}"),
    ("dispute {amount}", "оспорьте {amount}"),
    ("the provider counted it as a renewal or an upgrade, not a new customer's first subscription ({rule})",
     "провайдер посчитал это продлением или повышением, а не первой подпиской нового клиента ({rule})"),
    ("the card's «Новый клиент 1С?» answer, or the customer was known to 1C",
     "проверьте ответ «Новый клиент 1С?» в карточке — или клиент уже был известен 1С"),
    ("the raised discount ({rule}) was not applied", "повышенная скидка ({rule}) не применена"),
    ("the Сервис-деск record of that month did not qualify, or the connection to Сервис-деск counts only from the "
     "month after it", "запись Сервис-деска за тот месяц не подошла, или подключение к Сервис-деску учитывается "
     "только со следующего месяца"),
    ("the tier of a partner without ЦСК status ({rule})", "уровень партнёра без статуса ЦСК ({rule})"),
    ("check the status 1C has on record for the partner", "проверьте, какой статус партнёра записан у 1С"),
    ("the tier of {name} applications ({rule})", "уровень для решений класса «{name}» ({rule})"),
    ("check the tariff's class", "проверьте класс тарифа"),
    ("the new-customer tier ({rule})", "уровень нового клиента ({rule})"),
    ("the provider took the customer for new to 1C; the hub's card says otherwise",
     "провайдер счёл клиента новым для 1С, а в карточке хаба сказано иное"),
    ("the ЦСК tier ({rule})", "уровень ЦСК ({rule})"),
    ("no discount tier of the {title} price list gives {percent}%",
     "ни один уровень скидок прайс-листа «{title}» не даёт {percent}%"),
    ("at order time the provider confirmed {field} {provider} (the hub {expected})",
     "при заказе провайдер подтвердил {field} {provider} (в хабе {expected})"),
    ("{who}: the client paid {billed} by the report, the hub's price {expected} (RA-BILL-01/02: a change, or a part "
     "month)", "{who}: по отчёту клиент заплатил {billed}, цена хаба {expected} (RA-BILL-01/02: изменение или неполный месяц)"),
    ("{who}: fee {billed} is {rate}% of {paid}", "{who}: вознаграждение {billed} — это {rate}% от {paid}"),
    ("the partner's rate is {rate}% = {expected} (RA-COMM-01: check the sub-agent contract and the rate in the "
     "partner profile)", "ставка партнёра {rate}% = {expected} (RA-COMM-01: проверьте субагентский договор и ставку "
     "в профиле партнёра)"),
    ("{who}: the client has not paid this month's invoice", "{who}: клиент не оплатил счёт за этот месяц"),
    ("no fee accrues until it does (RA-COMM-01): then {expected}",
     "вознаграждение не начисляется до оплаты (RA-COMM-01): затем {expected}"),
    ("{who}: the cabinet does not attribute this client to the partner — it registered through the provider's site "
     "(RA-ONB-06); no fee", "{who}: кабинет не относит этого клиента к партнёру — он зарегистрировался через сайт "
     "провайдера (RA-ONB-06); вознаграждения нет"),
    ("{who}: paid {paid}, a fee of {expected} expected, not in the report; ask the provider",
     "{who}: оплачено {paid}, ожидалось вознаграждение {expected}, в отчёте его нет; спросите провайдера"),
    ("{who}: a fee of {billed} for a client the hub did not convert (the cabinet's own)",
     "{who}: вознаграждение {billed} за клиента, которого хаб не переводил (собственный клиент кабинета)"),
    ("{who}: the month is outside {months} — is it the report of this quarter?",
     "{who}: месяц вне {months} — это отчёт за этот квартал?"),
    ("{who}: reported again (first on line {line})", "{who}: повтор в отчёте (впервые в строке {line})"),
    ("fetched with the hub's default {title} account (HUB_FRESH_*/HUB_RARUS_*): the partner has no credentials of its "
     "own there (hub partner credentials, PUT /api/v1/partner/credentials/…); the document is that account's — this "
     "partner's only if the account is (the demo partner's is)",
     "документ получен под учётной записью хаба по умолчанию в «{title}» (HUB_FRESH_*/HUB_RARUS_*): своей у партнёра "
     "там нет (её задают командой hub partner credentials или PUT /api/v1/partner/credentials/…). Это документ той "
     "учётной записи; он относится к этому партнёру, только если учётная запись — его (у демо-партнёра это так)"),
    ("the provider publishes no document for {period}: {why} (RA-COMM-03)",
     "провайдер не публикует документ за {period}: {why} (RA-COMM-03)"),
    ("the partner code in the profile is {code}: the cabinet publishes documents only for a 4-character code "
     "(RA-COMM-03, RA-ONB-08)", "код партнёра в профиле — {code}: кабинет публикует документы только для кода из "
     "4 знаков (RA-COMM-03, RA-ONB-08)"),
    ("the partner code in the profile is missing or not in 4-character form",
     "код партнёра в профиле не задан или не из 4 знаков"),
    ("the partner's Rarus code is missing or not in 4-character form: no payout documents are made for it (RA-COMM-03, "
     "RA-ONB-08); set it in the partner's standing", "код партнёра Рарус не задан или не из 4 знаков: документы на "
     "выплату по нему не формируются (RA-COMM-03, RA-ONB-08); задайте его в профиле партнёра"),
    ("no paying clients in the quarter by the hub's records: nothing to pay (RA-COMM-03)",
     "по данным хаба в квартале нет платящих клиентов: платить не за что (RA-COMM-03)"),
    ("the hub has {count} paid client-month(s) in the quarter: ask the provider for the report",
     "у хаба в квартале оплаченных клиенто-месяцев: {count}; запросите отчёт у провайдера"),
    ("check the agent report and the act of {period} against this reconciliation",
     "сверьте отчёт агента и акт за {period} с этой сверкой"),
    ("date and number the act", "поставьте дату и номер акта"),
    ("invoice {whom} for the agent fee", "выставьте счёт {whom} на агентское вознаграждение"),
    ("send the signed report, act and invoice to {mailbox}", "отправьте подписанные отчёт, акт и счёт на {mailbox}"),
    # refusals a page's form meets: the card, the reconciliation's file and period
    ("a legal name is required", "нужно наименование организации"),
    ("{field} does not apply to a customer in {country}", "{field} не заполняется для клиента из {country}"),
    ("not a valid ИНН: {why}", "неверный ИНН: {why}"),
    ("The number's checksum or check digit is invalid.", "не сходится контрольная цифра"),
    ("The number has an invalid length.", "неверная длина"),
    ("The number has an invalid format.", "неверный формат"),
    ("a trial request names the products to try", "в заявке на пробный период нужно назвать программы"),
    ("the customer already has enrollment {id} on {provider} ({state}); cancel it first or follow it",
     "у клиента уже есть подключение {id} к {provider} ({state}): сначала отмените его или ведите дальше"),
    ("{provider} has no tariff {tariff}", "у {provider} нет тарифа {tariff}"),
    ("no paying customers in this quarter", "в этом квартале нет платящих клиентов"),
    ("{what} takes ASCII digits only", "{what}: только цифры"),
    ("a КПП is 9 characters: 4 digits, 2 digits or capital letters, 3 digits",
     "КПП — 9 знаков: 4 цифры, 2 цифры или заглавные буквы, 3 цифры"),
    ("a БИН/ИИН is 12 digits", "БИН/ИИН — 12 цифр"),
    ("the БИН/ИИН check digit does not match", "не сходится контрольная цифра БИН/ИИН"),
    ("The part after the @-sign contains invalid characters: {chars}.", "после @ недопустимые знаки: {chars}"),
    ("The part after the @-sign is a special-use or reserved name that cannot be used with email.",
     "после @ — зарезервированное имя, для почты непригодное"),
    ("The email address is not valid. It must have exactly one @-sign.", "в адресе должен быть ровно один знак @"),
    ("There must be something after the @-sign.", "после @ ничего нет"),
    ("There must be something before the @-sign.", "перед @ ничего нет"),
    ("An email address cannot end with a period.", "адрес не может кончаться точкой"),
    ("The part after the @-sign is not valid. It should have a period.", "после @ нужен домен с точкой"),
    ("not a phone number: {why}", "это не номер телефона: {why}"),
    ("not a possible phone number", "такого номера телефона не бывает"),
    ("at most {places} fractional digits", "не больше {places} знаков после точки"),
    ("line {line}, column {column}: {what}", "строка {line}, столбец {column}: {what}"),
    ("line 1: the {layout} lacks the column(s) {columns} (expected: {expected})",
     "строка 1: в документе «{layout}» нет столбцов {columns} (нужны: {expected})"),
    ("line 1: the {layout}'s columns are separated by {separator}; the hub reads ';' (Excel's «CSV (разделители — точка с запятой)»)",
     "строка 1: в документе «{layout}» столбцы разделены {separator}, а хаб читает «;» (в Excel — «CSV (разделители — точка с запятой)»)"),
    ("line {line}: the {layout} is not UTF-8 text", "строка {line}: документ «{layout}» — не текст в UTF-8"),
    ("the {layout} is empty", "документ «{layout}» пуст"),
    ("the {layout} is {size} bytes; at most {limit}", "документ «{layout}» — {size} байт; допускается не больше {limit}"),
    ("the {layout} is not ;-separated CSV: {why}", "документ «{layout}» — не CSV с разделителем «;»: {why}"),
    ("the {layout} is not a readable XLSX workbook: {why}", "документ «{layout}» — не читаемая книга XLSX: {why}"),
    ("{text} is not a quarter like 2026-Q4 (RA-COMM-01: agent reports are quarterly)",
     "{text} — не квартал вида 2026-Q4 (RA-COMM-01: отчёты агента квартальные)"),
    ("{text} is not a month like 2026-12 (statements are monthly)", "{text} — не месяц вида 2026-12 (выписки помесячные)"),
    ("the year {year} is out of range (2000–2100)", "год {year} вне диапазона 2000–2100"),
    ("{value} is not {what}", "{value}: ожидается {what}"),
    # hub/subscriptions/order_rules.py: the ITS transition tariffs (FR-SUB-17, FK-SUB-17)
    ("a local ITS {level} contract or a «Комплект поддержки»", "договор 1С:ИТС {level} или «Комплект поддержки»"),
    ("a local ITS {level} contract", "договор 1С:ИТС {level}"),
    ("paid prepaid", "с предоплатой"),
    ("paid postpaid", "с постоплатой"),
    ("with this partner (the customer's ITS is with another one)", "с нами (договор ИТС клиента у другого партнёра)"),
    ("the period must cover the ITS end date {day}", "период должен захватывать дату окончания договора ИТС {day}"),
    ("{tariff} starts with the ITS contract: record its start date on the card first",
     "«{tariff}» начинается вместе с договором ИТС: сначала укажите в карточке дату его начала"),
    ("{tariff} starts on the ITS contract's start, {start}, not {asked}",
     "«{tariff}» начинается в день начала договора ИТС, {start}, а не {asked}"),
    ("the ITS contract ends before it starts", "договор ИТС кончается раньше, чем начинается"),
    # the partner's own organisation and tariffs (FR-SUB-21, FK-SUB-21, MED-ONB-10)
    ("{tariff} is the partner's own tariff: only for the partner's own organisation (mark its card as the own "
     "organisation)", "«{tariff}» — партнёрский тариф: только для своей организации партнёра (отметьте её карточку "
     "как «своя организация»)"),
    ("without a franchise contract {tariff} is renewed only while the partner has at least one paid customer "
     "subscription; subscribe the own organisation to a paid tariff instead", "без договора франчайзи «{tariff}» "
     "продлевается, только если у партнёра есть хотя бы одна платная подписка клиента; иначе оформите своей "
     "организации платный тариф"),
    ("the franchise contract ends on {end}, before a month from {start}", "договор франчайзи кончается {end}, "
     "раньше чем через месяц от {start}"),
    ("at most {months} months: the franchise contract ends on {end}", "не больше {months} мес.: договор франчайзи "
     "кончается {end}"),
    ("at most {months} months: without a franchise contract", "не больше {months} мес.: без договора франчайзи"),
    ("at most {months} months: the tariff's term", "не больше {months} мес.: таков срок тарифа"),
    ("the partner's own organisation is already customer {id}", "своя организация партнёра уже есть: клиент {id}"),
    # hub/reports/its_sales.py (FR-PRICE-03)
    ("ПРОФ and above count in full: {price} over {months} months ({rule})",
     "ПРОФ и выше считаются полностью: {price} за {months} мес. ({rule})"),
    ("the promotion counts from {day} ({rule})", "акция считается с {day} ({rule})"),
    ("a promo tariff: {amount} a month ({rule})", "акционный тариф: {amount} в месяц ({rule})"),
    ("the tariff does not count toward the ITS figure ({rule})", "тариф не входит в норматив ИТС ({rule})"),
    # 1С:Магазин расширений (FR-DISC-06)
    ("{cloud} sells no extensions of 1С:Магазин расширений: {names} not included (FR-DISC-06)",
     "{cloud} не продаёт расширения 1С:Магазина расширений: {names} не включены (FR-DISC-06)"),
    ("{cloud} sells no extensions of 1С:Магазин расширений", "{cloud} не продаёт расширения 1С:Магазина расширений"),
)
