"""How a person's contact details are read, stored and shown masked (pure rules, no database).

A UK mobile is typed as people write it ("07700 900123", "+44 7700 900123", "+44 (0)7700
900123", "0044 7700-900123") and stored as 11 digits, 07xxxxxxxxx. A postcode is stored in
capitals with one space before its inward code ("sw1a1aa" -> "SW1A 1AA"). The preview on
the booking screen shows where a message goes without the whole detail (`mask_*`).
"""

import re

_SEPARATORS = re.compile(r"[\s\-().]")
_MOBILE = re.compile(r"^07\d{9}$")
# The UK postcode's shape: outward code (area, district) then inward code (sector, unit).
_POSTCODE = re.compile(r"^([A-Z]{1,2}\d[A-Z\d]?)(\d[A-Z]{2})$")
MOBILE_EXAMPLE = "07700 900123"


def normalise_uk_mobile(text: str) -> str | None:
    """The mobile as 07xxxxxxxxx, or None when it is not a UK mobile number."""
    digits = _SEPARATORS.sub("", text or "")
    for prefix in ("+440", "+44", "00440", "0044"):
        if digits.startswith(prefix):
            digits = "0" + digits[len(prefix) :]
            break
    return digits if _MOBILE.match(digits) else None


def normalise_postcode(text: str) -> str | None:
    """The postcode as "SW1A 1AA", or None when it is not shaped as a UK postcode."""
    compact = re.sub(r"\s", "", text or "").upper()
    match = _POSTCODE.match(compact)
    return f"{match[1]} {match[2]}" if match else None


def mask_mobile(mobile: str) -> str:
    """07700900123 -> "07*** ***123": enough for the person to recognise, not to copy."""
    return f"07*** ***{mobile[-3:]}" if mobile else ""


def mask_email(email: str) -> str:
    """alex.example@example.com -> "a***@example.com"."""
    local, _, domain = (email or "").partition("@")
    return f"{local[:1]}***@{domain}" if domain else ""


def mask_address(postcode: str) -> str:
    """A letter's address shown by its postcode's outward code: "the address in SW1A"."""
    outward = (postcode or "").split(" ")[0]
    return f"the postal address in {outward}" if outward else "the postal address"
