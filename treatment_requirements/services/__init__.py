"""Writes and workflows for recommendations, court outcomes and orders.

Every function validates before it writes, runs in one transaction (nothing half-saved),
and leaves an OrderEvent history row and an audit entry naming the person by id only
(`history.history_record`). Every change to an existing order goes through
`order_change.order_change`: lock, refuse an ended order or a stale edit, change, bump the
order's version, history, audit.
"""

from .allocation import order_reallocate, orders_reallocate
from .appointments import (
    MAX_RECURRING_APPOINTMENTS,
    appointment_record_outcome,
    appointment_reschedule,
    appointment_schedule,
)
from .caseload import caseload_look_record
from .compliance import (
    allowed_actions,
    breach_record_outcome,
    failure_take_action,
    warning_letter_text,
    warnings_in_force,
)
from .court import COURT_SITE_KINDS, court_outcome_record
from .follow_up import (
    drug_test_record,
    order_terminate,
    order_terminate_check,
    outcome_measure_record,
    reoffending_check_complete,
    reoffending_record,
    review_date_problem,
    review_record_held,
    review_report_problem,
    review_schedule,
    review_submit_report,
)
from .recommendations import (
    NotReadyError,
    recommendation_create,
    recommendation_mark_ready,
    recommendation_problems,
    recommendation_record_criteria,
)

__all__ = [
    "COURT_SITE_KINDS",
    "MAX_RECURRING_APPOINTMENTS",
    "NotReadyError",
    "allowed_actions",
    "appointment_record_outcome",
    "appointment_reschedule",
    "appointment_schedule",
    "breach_record_outcome",
    "caseload_look_record",
    "court_outcome_record",
    "drug_test_record",
    "failure_take_action",
    "order_reallocate",
    "order_terminate",
    "orders_reallocate",
    "order_terminate_check",
    "outcome_measure_record",
    "recommendation_create",
    "recommendation_mark_ready",
    "recommendation_problems",
    "recommendation_record_criteria",
    "reoffending_check_complete",
    "reoffending_record",
    "review_date_problem",
    "review_record_held",
    "review_report_problem",
    "review_schedule",
    "review_submit_report",
    "warning_letter_text",
    "warnings_in_force",
]
