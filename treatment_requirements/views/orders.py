"""The caseload, the order page and appointments."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.audit import audit_request, audit_view
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, may, permits, require, scope_for
from core.concurrency import StaleEditError
from core.paging import page_links
from core.search_tokens import store_search, stored_search
from core.view_helpers import form_page, submit

from .. import caseload_week, forms, registry, selectors, services
from ..enums import AppointmentOutcome, OrderStatus
from ..forms.allocation import OrdersReallocateForm
from ..forms.message_choice import MessageChoice
from ..models import Appointment
from ..signals import BOOKED, RESCHEDULED
from .booking_warnings import submit_booking
from .common import (
    FORM_PAGE,
    STALE_STATUS,
    audit_caseload,
    cases_query,
    order_caption,
    order_for_change,
    whose_cases,
)

# The caseload: its search is kept behind a token (core.search_tokens); the sort, filters,
# whose cases and the page's cursor (a date and an id: core.paging) are in the URL.
SEARCH_SESSION_KEY = "caseload_searches"
ORDER_LIST_PARAMS = ("cases", "sort", "kind", "status", "officer")


def _query(params, keep=("cases",), **extra) -> str:
    kept = {k: params[k] for k in keep if params.get(k)}
    kept.update({k: v for k, v in extra.items() if v})
    return urlencode(kept)


@require_http_methods(["GET"])
def caseload(request):
    require(request, Action.VIEW, Kind.ORDER)
    opened_at = timezone.now()
    may_choose, mine = whose_cases(request)
    context = selectors.caseload(user=request.user, mine=mine)
    cases = cases_query(may_choose, mine)
    context.update(
        may_choose_own_cases=may_choose,
        mine=mine,
        cases_query=cases,
        search_form=forms.CaseloadSearchForm(),
        orders_next_query=page_links(context["orders"], cases)["next_query"],
        now=opened_at,
    )
    if may_choose:  # officers hold orders as responsible officer: what is new to them
        since = caseload_week.since_last_look(request.user)
        context.update(
            new_to_me=caseload_week.new_to_me_first(user=request.user, since=since),
            new_to_me_query=urlencode({"since": since.isoformat()}),
        )
    audit_caseload(request, "caseload")
    response = render(request, "treatment_requirements/caseload.html", context)
    if may_choose:  # after rendering: what was listed has now been seen
        services.caseload_look_record(user=request.user, looked_at=opened_at)
    return response


@require_http_methods(["GET", "POST"])
def caseload_orders(request):
    """Every order of the caseload, page by page: searched, sorted and filtered."""
    require(request, Action.VIEW, Kind.ORDER)
    user = request.user
    may_choose, mine = whose_cases(request)
    token = request.GET.get("search", "")
    search = stored_search(request, SEARCH_SESSION_KEY, token)
    search_form = forms.CaseloadSearchForm(request.POST or None)
    if request.method == "POST":
        if search_form.is_valid():
            return _search_posted(request, search_form.cleaned_data["q"])
    elif search:
        search_form = forms.CaseloadSearchForm(initial={"q": _search_text(search)})
    else:
        token = ""  # no stored search: a session key, not a secret  # nosec B105
    team_view = may_choose and not mine
    filter_form = forms.CaseloadFilterForm(
        request.GET or None,
        sorts=[(key, label) for key, (label, _) in selectors.ORDER_SORTS.items()],
        officers=selectors.caseload_officers(user) if team_view else None,
    )
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = selectors.caseload_orders_page(
        user=user,
        mine=mine,
        filters=filters,
        search=search,
        sort=filters.get("sort") or selectors.DEFAULT_ORDER_SORT,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = {
        "page": page,
        "may_choose_own_cases": may_choose,
        "mine": mine,
        "scope": selectors.orders_scope(user),
        "search": search,
        "search_form": search_form,
        "filter_form": filter_form,
        "error_forms": [search_form, filter_form],
        "status": filters.get("status") or OrderStatus.ACTIVE,
        "search_token": token,
        "team_search_query": _query({"cases": "team", "search": token}, ("cases", "search")),
        "clear_search_query": _query(request.GET, ORDER_LIST_PARAMS),
        "cases_query": cases_query(may_choose, mine),
        "allocate_form": _allocate_form(user, team_view, filters),
        **page_links(page, _query(request.GET, ORDER_LIST_PARAMS, search=token)),
    }
    audit_caseload(request, "caseload orders")
    status = 400 if request.method == "POST" else 200
    return render(request, "treatment_requirements/caseload_orders.html", context, status=status)


def _search_posted(request, search: dict):
    """A posted caseload search: audited by kind, kept behind a token, then listed."""
    audit_request(
        request,
        action=AuditAction.SEARCH,
        object_type="treatment_requirements.order",
        detail=f"caseload search by {search['kind']}",
    )
    token = store_search(request, SEARCH_SESSION_KEY, search)
    query = _query(request.GET, ORDER_LIST_PARAMS, search=token)
    return redirect(f"{reverse('treatment_requirements:caseload_orders')}?{query}")


def _allocate_form(user, team_view: bool, filters: dict):
    """The whole team's active orders can be handed over in bulk (policy: ALLOCATE)."""
    active = (filters.get("status") or OrderStatus.ACTIVE) == OrderStatus.ACTIVE
    if not (team_view and active and permits(user, Action.ALLOCATE, Kind.ORDER)):
        return None
    return OrdersReallocateForm(
        team_id=user.team_id, may_transfer=permits(user, Action.TRANSFER, Kind.ORDER)
    )


def _search_text(search: dict) -> str:
    if search["kind"] == "order_reference":
        return f"CO{search['value']:06d}"
    return search["value"]


@require_http_methods(["GET"])
def caseload_due(request, name):
    """All of one of the caseload's due lists, page by page (the caseload shows its first)."""
    require(request, Action.VIEW, Kind.ORDER)
    may_choose, mine = whose_cases(request)
    try:
        page = selectors.caseload_page(
            user=request.user,
            name=name,
            mine=mine,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
    except KeyError:
        raise Http404("No such list on your caseload") from None
    context = {
        "name": name,
        "title": selectors.CASELOAD_LISTS[name].title,
        "page": page,
        "rows": page.rows,
        "may_choose_own_cases": may_choose,
        "mine": mine,
        "can_enforce": selectors.may_enforce(request.user),
        "today_date": timezone.localdate(),
        "now": timezone.now(),
        **page_links(page, cases_query(may_choose, mine)),
    }
    audit_caseload(request, f"caseload {name}")
    return render(request, "treatment_requirements/caseload_due.html", context)


@require_http_methods(["GET"])
def order_detail(request, pk):
    order = selectors.order_get_for_user(request, pk)
    user = request.user
    context = {
        "order": order,
        "person": order.person,
        **selectors.order_detail(order),
        "can_change": order.is_active and scope_for(user, Action.CHANGE, Kind.ORDER) is not None,
        "can_enforce": order.is_active and selectors.may_enforce(user),
        "can_allocate": order.is_active and permits(user, Action.ALLOCATE, Kind.ORDER),
        # Reoffending is followed up after the order too (12 months from the referral).
        "can_follow_up": selectors.may_enforce(user),
        "version_form": forms.VersionForm(initial={"version": order.version}),
        # Probation may supervise an order without consent to see what led to it.
        "recommendation_visible": may(user, Action.VIEW, Kind.RECOMMENDATION, order.recommendation),
        "today": timezone.localdate(),
        "order_panels": registry.order_panels(request, order),
    }
    audit_view(request, order, order.person_id)
    return render(request, "treatment_requirements/order_detail.html", context)


@require_http_methods(["GET", "POST"])
def appointment_new(request, pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    form = forms.AppointmentForm(request.POST or None, order=order)
    choice = MessageChoice(form, order=order, change=BOOKED)
    outcome, warned = submit_booking(
        request,
        form,
        lambda data: services.appointment_schedule(
            order=order,
            starts_at=form.starts_at(),
            purpose=data["purpose"],
            location=data["location"],
            requirement=data["requirement"],
            recurrence=data["recurrence"],
            count=data["count"] or 1,
            send_to_person=choice.send_to_person(),
            accept_warnings=form.accept_warnings(),
            by=request.user,
            request=request,
        ),
        rename={"starts_at": "date"},
        choice=choice,
    )
    if outcome:
        messages.success(request, f"{len(outcome.result)} appointment(s) booked.")
        return redirect(order)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Book appointments",
        caption=order_caption(order),
        person=order.person,
        submit="Book",
        cancel_url=order.get_absolute_url(),
        intro=f"The order runs from {order.start_date:%d/%m/%Y} to {order.end_date:%d/%m/%Y}.",
        booking_warnings=warned,
        status=outcome.status,
        **choice.context(),
    )


def _appointment(order, appointment_pk):
    return get_object_or_404(
        Appointment.objects.select_related("requirement"), pk=appointment_pk, order=order
    )


def _when(appointment) -> str:
    return f"{timezone.localtime(appointment.starts_at):%A %d %B %Y at %H:%M}"


# Someone else recorded the outcome first: said in words about the appointment.
OUTCOME_ALREADY_RECORDED = (
    "Someone else recorded this appointment's outcome while you were doing so. "
    "Yours has not been saved: check the order page to see theirs."
)


@require_http_methods(["GET", "POST"])
def appointment_outcome(request, pk, appointment_pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    appointment = _appointment(order, appointment_pk)
    if appointment.outcome and request.method == "GET":
        messages.error(request, "This appointment's outcome has already been recorded.")
        return redirect(order)
    form = forms.AppointmentOutcomeForm(
        request.POST or None, initial={"version": appointment.version}
    )

    def record(data):
        try:
            return services.appointment_record_outcome(
                appointment=appointment,
                outcome=data["outcome"],
                excuse=data["excuse"],
                evidence=data["evidence"],
                notes=data["notes"],
                expected_version=data["version"],
                by=request.user,
                request=request,
            )
        except StaleEditError:
            raise ValidationError(OUTCOME_ALREADY_RECORDED) from None

    outcome = submit(request, form, record)
    if outcome:
        label = AppointmentOutcome(form.cleaned_data["outcome"]).label
        messages.success(request, f"Outcome recorded: {label}.")
        if outcome.result is not None and selectors.may_enforce(request.user):
            return redirect("treatment_requirements:failure_action", order.pk, outcome.result.pk)
        return redirect(order)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Record the appointment's outcome",
        caption=order_caption(order),
        person=order.person,
        submit="Save outcome",
        cancel_url=order.get_absolute_url(),
        intro=f"{appointment.purpose}, {_when(appointment)}.",
        status=outcome.status,
    )


@require_http_methods(["GET", "POST"])
def appointment_reschedule(request, pk, appointment_pk):
    order, refused = order_for_change(request, pk)
    if refused:
        return refused
    appointment = _appointment(order, appointment_pk)
    form = forms.RescheduleForm(
        request.POST or None, initial={"version": appointment.version}, order=order
    )
    choice = MessageChoice(form, order=order, change=RESCHEDULED, location=appointment.location)
    outcome, warned = submit_booking(
        request,
        form,
        lambda data: services.appointment_reschedule(
            appointment=appointment,
            starts_at=form.starts_at(),
            reason=data["reason"],
            expected_version=data["version"],
            send_to_person=choice.send_to_person(),
            accept_warnings=form.accept_warnings(),
            by=request.user,
            request=request,
        ),
        rename={"starts_at": "date"},
        stale_status=STALE_STATUS,
        choice=choice,
    )
    if outcome:
        messages.success(request, "Appointment rescheduled.")
        return redirect(order)
    return form_page(
        request,
        FORM_PAGE,
        form,
        title="Reschedule the appointment",
        caption=order_caption(order),
        person=order.person,
        submit="Reschedule",
        cancel_url=order.get_absolute_url(),
        intro=f"{appointment.purpose}, now {_when(appointment)}.",
        booking_warnings=warned,
        book_anyway_label="Reschedule anyway",
        status=outcome.status,
        **choice.context(),
    )
