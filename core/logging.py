"""Log scrubbing: no personal data leaves the process in a log line.

Two nets: identifier shapes (NHS, PNC and CRO numbers, emails, postcodes) anywhere in the
message, and the value after any field name the data classification registry marks as
personal (``family_name='Smith'``, ``"nhs_number": "..."``, ``reason: ...``), so a new
classified field is scrubbed without touching this module. Free-text names with no field
name beside them cannot be recognised: code must not log them (see CONVENTIONS.md).

The registry lives in accounts, to the right of core: accounts registers it at start-up
with `register_scrubbed_field_names` (accounts/apps.py).
"""

import functools
import logging
import re
from collections.abc import Callable, Iterable

from django.apps import apps

REDACTED = "[redacted]"

# Identifier shapes from docs/domain.md "Identifiers", plus emails, phone numbers and postcodes.
_PATTERNS = [
    re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"),  # NHS number
    re.compile(r"\b\d{2,4}/\d{1,7}[A-Z]\b", re.IGNORECASE),  # PNC ID
    re.compile(r"\b(?:SF\d{2}/\d{1,6}|\d{1,6}/\d{2})[A-Z]\b", re.IGNORECASE),  # CRO number
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # email
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),  # full postcode
    # Not personal data but a credential: the secret in a calendar feed's URL (a 404 for a
    # revoked one is logged with its path).
    re.compile(r"(?<=/calendar/feed/)[^/\s.]+(?=\.ics)"),
]


# Callables returning field names whose values are personal (accounts' classification).
_FIELD_NAME_SOURCES: list[Callable[[], Iterable[str]]] = []


def register_scrubbed_field_names(source: Callable[[], Iterable[str]]) -> None:
    """Scrub the value logged after any name source() returns; it is called once the apps
    are ready, on the first scrub."""
    if source not in _FIELD_NAME_SOURCES:
        _FIELD_NAME_SOURCES.append(source)
    _field_value_pattern.cache_clear()


@functools.cache
def _field_value_pattern():
    field_names = {name for source in _FIELD_NAME_SOURCES for name in source()}
    if not field_names:
        return None
    names = "|".join(sorted(map(re.escape, field_names), key=len, reverse=True))
    return re.compile(
        rf"""\b(?P<key>{names})(?P<sep>['"]?\)?\s*[:=]\s*\(?)"""
        r"""(?P<value>'[^']*'|"[^"]*"|[^\s,;)}\]]+)"""
    )


def _redact_value(match):
    value = match["value"]
    quote = value[0] if value[0] in "'\"" else ""
    return f"{match['key']}{match['sep']}{quote}{REDACTED}{quote}"


def scrub(text: str) -> str:
    # The registry needs the models; before start-up only shapes apply.
    if apps.ready and (field_value := _field_value_pattern()):
        text = field_value.sub(_redact_value, text)
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


class ScrubPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return True
        record.msg = scrub(message)
        record.args = None
        # Tracebacks quote values too (an IntegrityError names the duplicate key): format
        # and scrub them now, so handlers print the scrubbed text instead.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True
