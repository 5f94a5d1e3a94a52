"""Log scrubbing: no personal data leaves the process in a log line."""

import logging
import re

# Identifier shapes from DOMAIN.md section 5, plus emails, phone numbers and postcodes.
_PATTERNS = [
    re.compile(r"\b\d{3}[ -]?\d{3}[ -]?\d{4}\b"),  # NHS number
    re.compile(r"\b\d{2,4}/\d{1,7}[A-Z]\b", re.IGNORECASE),  # PNC ID
    re.compile(r"\b(?:SF\d{2}/\d{1,6}|\d{1,6}/\d{2})[A-Z]\b", re.IGNORECASE),  # CRO number
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # email
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE),  # full postcode
]


def scrub(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub("[redacted]", text)
    return text


class ScrubPersonalDataFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            return True
        record.msg = scrub(message)
        record.args = None
        return True
