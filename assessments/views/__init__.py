"""Screens for screening, the full assessment (task list, steps, instruments, sign-off),
addenda, consent, onward referrals and the printable summary.

Views load through selectors (which apply the access policy), validate with a form and
call one service. Every page showing a person's record writes an audit entry. URLs carry
numeric ids only.
"""

from .assessment import (
    addendum,
    assessment_detail,
    assessment_start,
    autosave,
    instrument,
    instrument_discard,
    screening,
    section,
    sign,
)
from .sharing import (
    consent_record,
    consent_withdraw,
    onward_outcome,
    onward_record,
    summary,
)

__all__ = [
    "screening",
    "assessment_start",
    "assessment_detail",
    "section",
    "instrument",
    "instrument_discard",
    "autosave",
    "sign",
    "addendum",
    "consent_record",
    "consent_withdraw",
    "onward_record",
    "onward_outcome",
    "summary",
]
