import pytest

from providers import InvalidIdentifier, rarus_partner_code, reporting_registration_number


def test_ra_onb_08_code_is_four_characters():
    assert rarus_partner_code("320") == "0320"
    assert rarus_partner_code("1234") == "1234"
    assert rarus_partner_code("0320") == "0320"
    for bad in ("", "12345", "abc", "000"):
        with pytest.raises(InvalidIdentifier):
            rarus_partner_code(bad)


def test_fr_onb_03_reporting_number():
    assert reporting_registration_number(77) == "FR77"
    with pytest.raises(InvalidIdentifier):
        reporting_registration_number(0)
