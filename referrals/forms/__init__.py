"""Forms for people, referrals, intake, search and the referral's actions, on the one form
base (core.forms, imported as `gov`): its messages name each field and its dates are one box
typed as people type them, inside each field's bounds.

Split by concern: `fields` (shared fields, widgets and choices), `intake` (person, referral,
likely match), `lists` (search, filters, bulk allocation), `actions` (close or reopen,
assign, transfer). Import from `referrals.forms`.
"""

from .access import RecordAccessAddForm
from .actions import ReferralAssignForm, ReferralTransferForm, ReferralTransitionForm
from .contact import PersonContactForm
from .fields import (
    FIRST_REFERRAL_DAY,
    MAX_AGE_YEARS,
    MIN_AGE_YEARS,
    DateOfBirthField,
    ListDateField,
    SiteSelect,
    earliest_birth_day,
    grouped_ethnicity_choices,
    latest_birth_day,
    team_practitioners,
    transfer_teams,
    user_sites,
)
from .intake import MatchDecisionForm, PersonForm, ReferralForm
from .lists import (
    WORK_QUEUES,
    ReferralBulkAllocateForm,
    ReferralFilterForm,
    ReferralSearchForm,
)

__all__ = [
    "FIRST_REFERRAL_DAY",
    "MAX_AGE_YEARS",
    "MIN_AGE_YEARS",
    "WORK_QUEUES",
    "DateOfBirthField",
    "ListDateField",
    "MatchDecisionForm",
    "PersonContactForm",
    "PersonForm",
    "RecordAccessAddForm",
    "ReferralAssignForm",
    "ReferralBulkAllocateForm",
    "ReferralFilterForm",
    "ReferralForm",
    "ReferralSearchForm",
    "ReferralTransferForm",
    "ReferralTransitionForm",
    "SiteSelect",
    "earliest_birth_day",
    "grouped_ethnicity_choices",
    "latest_birth_day",
    "team_practitioners",
    "transfer_teams",
    "user_sites",
]
