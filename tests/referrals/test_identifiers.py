import datetime

import pytest
from django.core.exceptions import ValidationError

from referrals.identifiers import (
    cro_check_letter,
    nhs_check_digit,
    pnc_check_letter,
    validate_cro_number,
    validate_nhs_number,
    validate_pnc_id,
)


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("9434765919", "9434765919"),
        ("943 476 5919", "9434765919"),
        ("943-476-5919", "9434765919"),
        (" 401 023 2137 ", "4010232137"),
    ],
)
def test_nhs_number_valid_forms_are_normalised(typed, normalised):
    assert validate_nhs_number(typed) == normalised


@pytest.mark.parametrize(
    "typed", ["9434765918", "943476591", "94347659190", "943476591A", "", "1000000010"]
)
def test_nhs_number_invalid_is_refused(typed):
    with pytest.raises(ValidationError):
        validate_nhs_number(typed)


def test_nhs_check_digit_of_ten_means_no_valid_number():
    # 1,0,0,0,0,0,0,0,1 -> 10 + 2 = 12; 12 mod 11 = 1; 11 - 1 = 10: no valid number.
    assert nhs_check_digit("100000001") is None


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("2008/0056560Z", "2008/0056560Z"),
        ("1981/0154257C", "1981/0154257C"),
        ("08/56560z", "2008/0056560Z"),
        ("81/154257C", "1981/0154257C"),
        ("79/163001B", "1979/0163001B"),
    ],
)
def test_pnc_id_valid_and_short_forms_are_normalised(typed, normalised):
    assert validate_pnc_id(typed, today=datetime.date(2026, 11, 23)) == normalised


def test_pnc_two_digit_year_not_later_than_this_year_means_20yy():
    letter = pnc_check_letter(2026, 1234)
    assert validate_pnc_id(f"26/1234{letter}", today=datetime.date(2026, 1, 1)) == (
        f"2026/0001234{letter}"
    )


def test_pnc_two_digit_year_later_than_this_year_means_19yy():
    letter = pnc_check_letter(1927, 1234)
    assert validate_pnc_id(f"27/1234{letter}", today=datetime.date(2026, 12, 31)) == (
        f"1927/0001234{letter}"
    )


@pytest.mark.parametrize("typed", ["2008/0056560A", "2008/56560", "200/0056560Z", "abc", ""])
def test_pnc_id_invalid_is_refused(typed):
    with pytest.raises(ValidationError):
        validate_pnc_id(typed)


@pytest.mark.parametrize(
    "typed, normalised",
    [
        ("265416/21G", "265416/21G"),
        ("265416/21g", "265416/21G"),
        ("SF05/482703J", "SF05/482703J"),
        ("sf05/482703j", "SF05/482703J"),
    ],
)
def test_cro_number_valid_forms_are_normalised(typed, normalised):
    assert validate_cro_number(typed) == normalised


def test_cro_number_short_serial_is_padded():
    letter = cro_check_letter(2021, 416)
    assert validate_cro_number(f"416/21{letter}") == f"000416/21{letter}"


@pytest.mark.parametrize("typed", ["265416/21H", "SF05/482703K", "2654161/21G", "265416-21"])
def test_cro_number_invalid_is_refused(typed):
    with pytest.raises(ValidationError):
        validate_cro_number(typed)


# Identifiers typed in other scripts' digits (issue 12, item 11) ---------------------------

FULL_WIDTH = str.maketrans("0123456789/ZGJ-", "０１２３４５６７８９／ＺＧＪ－")
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
EASTERN_ARABIC_INDIC = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
DEVANAGARI = str.maketrans("0123456789", "०१२३४५६७८९")
BENGALI = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")


@pytest.mark.parametrize(
    "typed",
    [
        "９４３４７６５９１９",
        "９４３　４７６　５９１９",  # with ideographic spaces
        "٩٤٣٤٧٦٥٩١٩",
        "۹۴۳ ۴۷۶ ۵۹۱۹",
        "९४३४७६५९१९",
        "943\u2010476\u20135919",  # Unicode hyphen and en dash
        "9434765919".translate(BENGALI),
    ],
)
def test_nhs_number_in_other_digits_is_normalised_to_ascii(typed):
    assert validate_nhs_number(typed) == "9434765919"


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC, EASTERN_ARABIC_INDIC, DEVANAGARI])
def test_nhs_number_in_other_digits_still_fails_its_checksum(digits):
    with pytest.raises(ValidationError) as refused:
        validate_nhs_number("9434765918".translate(digits))

    assert refused.value.code == "checksum"


@pytest.mark.parametrize("digits", [FULL_WIDTH, ARABIC_INDIC, EASTERN_ARABIC_INDIC, DEVANAGARI])
def test_pnc_id_and_cro_number_in_other_digits_are_normalised(digits):
    today = datetime.date(2026, 11, 23)

    pnc = validate_pnc_id("2008/0056560Z".translate(digits), today=today)
    short_pnc = validate_pnc_id("08/56560Z".translate(digits), today=today)
    cro = validate_cro_number("265416/21G".translate(digits))

    assert (pnc, short_pnc, cro) == ("2008/0056560Z", "2008/0056560Z", "265416/21G")


def test_pnc_id_with_full_width_letter_and_wrong_check_letter_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_pnc_id("２００８／００５６５６０Ａ", today=datetime.date(2026, 11, 23))

    assert refused.value.code == "checksum"
