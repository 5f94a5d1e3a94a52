"""Screens for recommendations, court outcomes and the order's community follow-up.

Thin views: load through an access-checked selector, validate with a form, call one
service, redirect. Every page showing a person's record writes an audit entry.
"""

from .allocation import order_reallocate, orders_bulk_reallocate
from .caseload_week import caseload_new_to_me, caseload_week, caseload_week_due
from .compliance import breach_outcome, failure_action, warning_letter
from .follow_up import (
    drug_test_new,
    measure_new,
    order_terminate,
    order_terminate_confirm,
    reoffending_check,
    reoffending_new,
    review_held,
    review_new,
    review_report,
)
from .orders import (
    appointment_new,
    appointment_outcome,
    appointment_reschedule,
    caseload,
    caseload_due,
    caseload_orders,
    order_detail,
)
from .recommendations import (
    court_outcome_new,
    recommendation_detail,
    recommendation_new,
    recommendation_print,
    recommendation_ready,
    requirement_checklist,
)
from .workload import team_workload

__all__ = [
    "appointment_new",
    "appointment_outcome",
    "appointment_reschedule",
    "caseload_new_to_me",
    "caseload_week",
    "caseload_week_due",
    "breach_outcome",
    "caseload",
    "caseload_due",
    "caseload_orders",
    "court_outcome_new",
    "drug_test_new",
    "failure_action",
    "measure_new",
    "order_detail",
    "order_reallocate",
    "orders_bulk_reallocate",
    "order_terminate",
    "order_terminate_confirm",
    "recommendation_detail",
    "recommendation_new",
    "recommendation_print",
    "recommendation_ready",
    "reoffending_check",
    "reoffending_new",
    "requirement_checklist",
    "review_held",
    "review_new",
    "review_report",
    "team_workload",
    "warning_letter",
]
