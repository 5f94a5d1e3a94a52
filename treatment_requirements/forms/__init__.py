"""Forms for recommendations, court outcomes and the order's follow-up.

Messages name the field, so the GOV.UK error summary reads well. Rules that need the
database (the enforcement rule, dates against the order) are checked again by the services.
"""

from core.forms import VersionForm

from .caseload import CaseloadFilterForm, CaseloadSearchForm
from .follow_up import (
    DrugTestForm,
    OutcomeMeasureForm,
    ProgressReportForm,
    ReoffendingCheckForm,
    ReoffendingForm,
    ReviewForm,
    ReviewHeldForm,
    TerminationConfirmForm,
    TerminationForm,
)
from .orders import (
    BREACH_REQUIRED_MESSAGE,
    AppointmentForm,
    AppointmentOutcomeForm,
    BreachOutcomeForm,
    EnforcementForm,
    RescheduleForm,
)
from .recommendations import ChecklistForm, CourtOutcomeForm, RecommendationCreateForm

__all__ = [
    "BREACH_REQUIRED_MESSAGE",
    "AppointmentForm",
    "AppointmentOutcomeForm",
    "BreachOutcomeForm",
    "CaseloadFilterForm",
    "CaseloadSearchForm",
    "ChecklistForm",
    "CourtOutcomeForm",
    "DrugTestForm",
    "EnforcementForm",
    "OutcomeMeasureForm",
    "ProgressReportForm",
    "RecommendationCreateForm",
    "ReoffendingCheckForm",
    "ReoffendingForm",
    "RescheduleForm",
    "ReviewForm",
    "ReviewHeldForm",
    "TerminationConfirmForm",
    "TerminationForm",
    "VersionForm",
]
