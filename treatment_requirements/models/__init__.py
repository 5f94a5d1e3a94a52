"""Recommendations, court outcomes, orders and their community follow-up, one module per
concern; every model is importable from `treatment_requirements.models`."""

from .compliance import Appointment, BreachReferral, Failure, FormalWarning
from .follow_up import DrugTest, OutcomeMeasure, ReoffendingEvent, ReviewHearing
from .orders import (
    MAX_EXTENSION_MONTHS,
    MAX_ORDER_YEARS,
    SSO_MAX_OPERATIONAL_MONTHS,
    SSO_MIN_OPERATIONAL_MONTHS,
    CaseloadLook,
    Order,
    OrderAllocation,
    OrderEvent,
    OrderRequirement,
)
from .recommendations import (
    CourtOutcome,
    CriterionConfirmation,
    ProposedRequirement,
    Recommendation,
)

__all__ = [
    "MAX_EXTENSION_MONTHS",
    "MAX_ORDER_YEARS",
    "SSO_MAX_OPERATIONAL_MONTHS",
    "SSO_MIN_OPERATIONAL_MONTHS",
    "Appointment",
    "BreachReferral",
    "CaseloadLook",
    "CourtOutcome",
    "CriterionConfirmation",
    "DrugTest",
    "Failure",
    "FormalWarning",
    "Order",
    "OrderAllocation",
    "OrderEvent",
    "OrderRequirement",
    "OutcomeMeasure",
    "ProposedRequirement",
    "Recommendation",
    "ReoffendingEvent",
    "ReviewHearing",
]
