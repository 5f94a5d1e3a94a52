"""Screens for people and referrals: my work, the list and search, intake, the record pages.

Every page that shows a person's record writes an audit entry (AuditAction.VIEW). Names and
identifiers never appear in URLs: searches are posted and kept in the session under an
opaque token (core.search_tokens).
"""

from .access import record_access, record_access_remove
from .contact import person_contact
from .intake import intake
from .lists import (
    CURSOR_SESSION_KEY,
    SEARCH_SESSION_KEY,
    my_work,
    my_work_new_to_me,
    referral_bulk_allocate,
    referral_list,
)
from .person import person_detail, person_edit, subject_access, subject_access_json
from .referral import (
    referral_assign,
    referral_detail,
    referral_edit,
    referral_transfer,
    referral_transition,
)

__all__ = [
    "CURSOR_SESSION_KEY",
    "SEARCH_SESSION_KEY",
    "intake",
    "my_work",
    "my_work_new_to_me",
    "person_contact",
    "person_detail",
    "person_edit",
    "record_access",
    "record_access_remove",
    "referral_assign",
    "referral_bulk_allocate",
    "referral_detail",
    "referral_edit",
    "referral_list",
    "referral_transfer",
    "referral_transition",
    "subject_access",
    "subject_access_json",
]
