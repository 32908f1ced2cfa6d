"""Russian and Kazakh taxpayer numbers, e-mail and phone checks.

ИНН goes through python-stdnum. БИН/ИИН has no module there (nor a maintained
package elsewhere), so its published checksum is written out here: weights
1…11 mod 11; a result of 10 is recomputed with weights 3…11, 1, 2; a second 10
means the number cannot be valid.
"""
from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as ru_inn

KPP = re.compile(r"^[0-9]{4}[0-9A-Z]{2}[0-9]{3}$")
BIN_IIN = re.compile(r"^[0-9]{12}$")
_FIRST = range(1, 12)
_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def ascii_only(value: str, what: str) -> str:
    """Digits of other scripts (Arabic-Indic, full-width) look like digits to Python; not to a provider."""
    if not value.isascii():
        raise ValueError(f"{what} takes ASCII digits only")
    return value


def check_inn(value: str) -> str:
    """A Russian ИНН (10 digits for organisations, 12 for individuals) with its check digits."""
    ascii_only(value, "an ИНН")
    try:
        return ru_inn.validate(value)
    except StdnumError as exc:
        raise ValueError(f"not a valid ИНН: {exc}") from None


def check_kpp(value: str) -> str:
    ascii_only(value, "a КПП")
    if not KPP.match(value):
        raise ValueError("a КПП is 9 characters: 4 digits, 2 digits or capital letters, 3 digits")
    return value


def check_bin_iin(value: str) -> str:
    """A Kazakh БИН or ИИН: 12 digits, the last a mod-11 check digit."""
    ascii_only(value, "a БИН/ИИН")
    if not BIN_IIN.match(value):
        raise ValueError("a БИН/ИИН is 12 digits")
    digits = [int(c) for c in value]
    check = sum(d * w for d, w in zip(digits, _FIRST)) % 11
    if check == 10:
        check = sum(d * w for d, w in zip(digits, _SECOND)) % 11
    if check == 10 or check != digits[11]:
        raise ValueError("the БИН/ИИН check digit does not match")
    return value


def check_email(value: str) -> str:
    from email_validator import EmailNotValidError, validate_email  # with the first e-mail, not at start (issue 15)

    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(str(exc)) from None


def check_phone(value: str, country: str) -> str:
    """A phone number as E.164 (+79161234567); a number without + is read in the customer's country."""
    import phonenumbers  # with the first phone number, not at start (issue 15)

    ascii_only(value, "a phone number")
    try:
        number = phonenumbers.parse(value, country)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number: {exc}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def looks_like_email(value: str) -> bool:
    return "@" in value
