"""NHS number, PNC ID and CRO number checks (docs/domain.md "Identifiers").

Each validator accepts the ways people usually type an identifier (spaces, dashes, lower
case, short PNC years, full-width or other scripts' digits), raises ValidationError when it
is invalid and returns the normalised ASCII form otherwise.
"""

import datetime
import re
import unicodedata

from django.core.exceptions import ValidationError

CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"


def compact_identifier(value) -> str:
    """The identifier as ASCII capitals and digits, without spaces or dashes.

    Full-width forms ("０１２", "／", "Ｚ") fold to ASCII (NFKC), and every other script's
    decimal digits ("٠١٢", "۰۱۲", "०१२") map to 0-9, so the same number typed on another
    keyboard is checked, stored and matched as the same number.
    """
    text = unicodedata.normalize("NFKC", str(value or ""))
    text = "".join(
        str(unicodedata.decimal(c)) if c.isdecimal() else c
        for c in text
        if not (c.isspace() or unicodedata.category(c) == "Pd")
    )
    return text.upper()


def validate_nhs_number(value) -> str:
    digits = compact_identifier(value)
    if not re.fullmatch(r"[0-9]{10}", digits):
        raise ValidationError(
            "Enter an NHS number with 10 digits, like 943 476 5919", code="format"
        )
    if nhs_check_digit(digits[:9]) != int(digits[9]):
        raise ValidationError("This is not a valid NHS number: check the digits", code="checksum")
    return digits


def format_nhs_number(digits: str) -> str:
    return f"{digits[:3]} {digits[3:6]} {digits[6:]}" if digits else ""


def _full_year(two_digits: str, today: datetime.date | None = None) -> int:
    today = today or datetime.date.today()
    year = 2000 + int(two_digits)
    return year if year <= today.year else year - 100


def validate_pnc_id(value, *, today: datetime.date | None = None) -> str:
    text = compact_identifier(value)
    match = re.fullmatch(r"([0-9]{2}|[0-9]{4})/([0-9]{1,7})([A-Z])", text)
    if not match:
        raise ValidationError(
            "Enter a PNC ID like 2008/0056560Z (year, slash, serial number, check letter)",
            code="format",
        )
    year_text, serial, letter = match.groups()
    year = _full_year(year_text, today) if len(year_text) == 2 else int(year_text)
    serial = serial.zfill(7)
    expected = CHECK_LETTERS[int(f"{year % 100:02d}{serial}") % 23]
    if letter != expected:
        raise ValidationError(
            "This PNC ID's check letter does not match: check it", code="checksum"
        )
    return f"{year:04d}/{serial}{letter}"


def validate_cro_number(value) -> str:
    text = compact_identifier(value)
    short = re.fullmatch(r"SF([0-9]{2})/([0-9]{1,6})([A-Z])", text)
    if short:
        year, serial, letter = short.groups()
        expected = CHECK_LETTERS[int(f"{year}{serial}") % 23]
        canonical = f"SF{year}/{serial}{letter}"
    else:
        full = re.fullmatch(r"([0-9]{1,6})/([0-9]{2})([A-Z])", text)
        if not full:
            raise ValidationError(
                "Enter a CRO number like 265416/21G or SF05/482703J", code="format"
            )
        serial, year, letter = full.groups()
        serial = serial.zfill(6)
        expected = CHECK_LETTERS[int(f"{year}{serial}") % 23]
        canonical = f"{serial}/{year}{letter}"
    if letter != expected:
        raise ValidationError(
            "This CRO number's check letter does not match: check it", code="checksum"
        )
    return canonical


def nhs_check_digit(first_nine: str) -> int | None:
    """The check digit for nine NHS-number digits, or None when no valid number exists."""
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return None if check == 10 else (0 if check == 11 else check)


def pnc_check_letter(year: int, serial: int) -> str:
    return CHECK_LETTERS[int(f"{year % 100:02d}{serial:07d}") % 23]


def cro_check_letter(year: int, serial: int) -> str:
    return CHECK_LETTERS[int(f"{year % 100:02d}{serial:06d}") % 23]
