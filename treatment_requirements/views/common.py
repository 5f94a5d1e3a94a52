"""What the screens of orders share: the one-form page, loading an order to change it,
and whose caseload a list shows (with its audit entry)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.http import urlencode

from accounts.audit import audit_form_view, audit_request
from accounts.enums import AuditAction
from accounts.policy import Action

from .. import selectors

# The one-form page of orders, contacts and documents (core.view_helpers.form_page).
FORM_PAGE = "treatment_requirements/form_page.html"
# These screens answer a stale edit as any other refused form (400), as they always have.
STALE_STATUS = 400


def order_for_change(request, pk, action=Action.CHANGE):
    """(order, None) when the user may `action` the order and it is active (a GET of its
    form page is audited); (order, a redirect to it with a message) when it has ended."""
    order = selectors.order_get_for_user(request, pk, action)
    if not order.is_active:
        messages.error(request, "This order has ended: it cannot be changed.")
        return order, redirect(order)
    audit_form_view(request, order, order.person_id)
    return order, None


def order_caption(order) -> str:
    return f"{order.person.full_name}, order {order.reference}"


def whose_cases(request) -> tuple[bool, bool]:
    """(may the user choose, are they looking at their own cases)."""
    may_choose = selectors.may_choose_own_cases(request.user)
    # Probation officers start from their own cases; "team" shows the whole unit's caseload.
    return may_choose, may_choose and request.GET.get("cases", "mine") != "team"


def cases_query(may_choose: bool, mine: bool) -> str:
    return urlencode({"cases": "mine" if mine else "team"}) if may_choose else ""


def audit_caseload(request, detail):
    """A caseload list opened (no one record: the list's name only)."""
    audit_request(
        request,
        action=AuditAction.VIEW,
        object_type="treatment_requirements.caseload",
        detail=detail,
    )
