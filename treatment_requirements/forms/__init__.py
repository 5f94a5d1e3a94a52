"""Forms for recommendations, court outcomes and the order's follow-up.

One module per service module of the same name (services/appointments.py ->
forms/appointments.py, services/compliance.py -> forms/compliance.py, ...). Messages name
the field, so the GOV.UK error summary reads well. Rules that need the database (the
enforcement rule, dates against the order) are checked again by the services.
"""

from core.forms import VersionForm

from .appointments import AppointmentForm, AppointmentOutcomeForm, RescheduleForm
from .caseload import CaseloadFilterForm, CaseloadSearchForm
from .compliance import BREACH_REQUIRED_MESSAGE, BreachOutcomeForm, EnforcementForm
from .court import CourtOutcomeForm
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
from .recommendations import ChecklistForm, RecommendationCreateForm

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
