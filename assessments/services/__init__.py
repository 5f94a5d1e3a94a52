"""Writes and workflows for screening, assessment, instruments, consent and onward referral.

Each service validates, writes, and records an audit entry (no personal data in `detail`).
Referral status moves go through referrals.services.referral_transition, which also stamps
the referral's screened_at and assessed_at for timeliness.
"""

from .assessment import (
    SignBlocker,
    addendum_add,
    assessment_section_save,
    assessment_sign,
    assessment_start,
    instrument_discard,
    instrument_save,
    screening_complete,
    sign_blockers,
    sign_problems,
)
from .common import (
    before_received_message,
    check_day,
    referral_received_on,
)
from .drafts import (
    draft_autosave,
    instrument_draft_autosave,
    section_draft_autosave,
)
from .sharing import (
    consent_record,
    consent_withdraw,
    disclosure_record,
    onward_referral_outcome,
    onward_referral_record,
)

__all__ = [
    "before_received_message",
    "check_day",
    "referral_received_on",
    "screening_complete",
    "assessment_start",
    "assessment_section_save",
    "SignBlocker",
    "sign_blockers",
    "sign_problems",
    "assessment_sign",
    "addendum_add",
    "instrument_save",
    "instrument_discard",
    "consent_record",
    "consent_withdraw",
    "disclosure_record",
    "onward_referral_record",
    "onward_referral_outcome",
    "draft_autosave",
    "instrument_draft_autosave",
    "section_draft_autosave",
]
