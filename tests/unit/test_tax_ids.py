import pytest

from hub.core.identifiers import check_bin_iin, check_email, check_inn, check_kpp, check_phone


@pytest.mark.parametrize("inn", ["7707083893", "500100732259", "7736207543"])
def test_valid_inn(inn):
    assert check_inn(inn) == inn


@pytest.mark.parametrize("inn", ["7707083894", "500100732258", "77070838", "770708389a", "0000000001"])
def test_invalid_inn(inn):
    with pytest.raises(ValueError):
        check_inn(inn)


@pytest.mark.parametrize("bin_iin", ["971240001315", "940140000385"])  # published bank БИНs
def test_fk_onb_02_valid_bin_iin(bin_iin):
    assert check_bin_iin(bin_iin) == bin_iin


@pytest.mark.parametrize("bin_iin", ["971240001316", "940140000384", "97124000131", "9712400013150", "97124000131a"])
def test_fk_onb_02_invalid_bin_iin(bin_iin):
    with pytest.raises(ValueError):
        check_bin_iin(bin_iin)


def test_kpp_format():
    assert check_kpp("773601001") == "773601001"
    assert check_kpp("7736AB001") == "7736AB001"
    for bad in ("77360100", "7736ab001", "77360100X"):
        with pytest.raises(ValueError):
            check_kpp(bad)


def test_email_and_phone_normalised():
    assert check_email("Buh@Example.COM") == "Buh@example.com"
    with pytest.raises(ValueError):
        check_email("not-an-email")
    assert check_phone("8 (916) 123-45-67", "RU") == "+79161234567"
    assert check_phone("+7 701 123 4567", "KZ") == "+77011234567"
    with pytest.raises(ValueError):
        check_phone("12", "RU")
