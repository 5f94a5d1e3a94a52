"""Reads of recommendations and orders, scoped through accounts.policy."""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.enums import Role
from accounts.policy import Action, Kind, get_for_user_or_404, permits, scope_for, scoped
from core.compiled import compiled_for_user, compiled_rows
from core.paging import KeysetOrder, KeysetPage, first_page, first_page_query, keyset_page
from referrals.models import Referral
from referrals.selectors import annotate_person_markers, search_q

from .caseload_lists import (  # noqa: F401 - CASELOAD_LISTS and the sorts are read from here
    CASELOAD_LISTS,
    DEFAULT_ORDER_SORT,
    ORDER_SORTS,
    REVIEW_LOOKAHEAD_DAYS,
    CaseloadListSpec,
    due_querysets,
    due_window,
)
from .criteria import criteria_for
from .enums import (
    MeasureStage,
    OrderStatus,
    RequirementKind,
)
from .models import (
    Order,
    OrderRequirement,
    OutcomeMeasure,
    ProposedRequirement,
    Recommendation,
)

# Caseload lists show at most this many rows, most urgent first, and say when there are more:
# a whole unit's caseload must not be fetched and rendered per view. An officer's own list
# rarely reaches it; a large unit's team view does (see the "Whose cases" filter).
CASELOAD_LIST_LIMIT = 25
# A page of a caseload list (core.paging): the whole list is reached page by page.
CASELOAD_PAGE_SIZE = 25
CASELOAD_COUNT_CAP = 1000  # "1,000+": an exact count would scan the whole unit's orders
RESPONSE_THRESHOLD = 5  # a fall of 5 or more points is commonly read as a response (PHQ-9)


# Loaders ---------------------------------------------------------------------------------


def recommendation_get_for_user(request, pk: int, action: str = Action.VIEW) -> Recommendation:
    queryset = Recommendation.objects.select_related(
        "person", "referral", "team", "assessment", "created_by", "ready_by"
    ).prefetch_related(
        Prefetch(
            "requirements",
            queryset=ProposedRequirement.objects.select_related("provider").prefetch_related(
                "criteria"
            ),
        )
    )
    return get_for_user_or_404(request, action, Kind.RECOMMENDATION, queryset, pk=pk)


def order_get_for_user(request, pk: int, action: str = Action.VIEW) -> Order:
    queryset = Order.objects.select_related(
        "person",
        "referral",
        "referral__team",
        "recommendation",
        "court_outcome",
        "court_outcome__court",
        "responsible_officer",
        "probation_team",
    )
    return get_for_user_or_404(request, action, Kind.ORDER, queryset, pk=pk)


def order_for_enforcement(request, pk: int) -> Order:
    """Warnings, breach, ending and reoffending follow-up: Action.ENFORCE in the policy."""
    return order_get_for_user(request, pk, Action.ENFORCE)


def may_enforce(user) -> bool:
    return permits(user, Action.ENFORCE, Kind.ORDER)


# Reoffending follow-up of a referral -----------------------------------------------------
# Held by whoever holds the case: the referral's L&D team (Action.CHANGE on the referral)
# until an order is made from it, then the supervising probation team (Action.ENFORCE on
# the order), which keeps it after the order ends.


def referral_for_follow_up(request, pk: int) -> tuple[Referral, Order | None]:
    """The referral whose reoffending follow-up the user holds, and the order through which
    they hold it (None while the L&D team holds it).

    403 when the role never holds follow-ups of this kind of case, 404 (audited) when this
    one is not theirs: another team's referral, or an order outside their caseload.
    """
    orders = Order.objects.filter(referral_id=pk).order_by("-made_on", "-id")
    first = orders.values_list("pk", flat=True).first()
    if first is not None:
        held = scoped(request.user, Action.ENFORCE, Kind.ORDER, orders).values_list("pk", flat=True)
        order = get_for_user_or_404(
            request,
            Action.ENFORCE,
            Kind.ORDER,
            Order.objects.select_related("person", "referral"),
            pk=held.first() or first,
        )
        return order.referral, order
    queryset = Referral.objects.select_related("person", "team")
    return get_for_user_or_404(request, Action.CHANGE, Kind.REFERRAL, queryset, pk=pk), None


def may_follow_up(user, referral: Referral, *, has_order: bool | None = None) -> bool:
    """Does the user hold this referral's reoffending follow-up (see referral_for_follow_up)?"""
    orders = Order.objects.filter(referral=referral)
    if has_order if has_order is not None else orders.exists():
        return scoped(user, Action.ENFORCE, Kind.ORDER, orders).exists()
    return scoped(
        user, Action.CHANGE, Kind.REFERRAL, Referral.objects.filter(pk=referral.pk)
    ).exists()


def held_by_probation() -> Q:
    """Referrals whose follow-up the supervising probation team holds (an order was made)."""
    return Q(Exists(Order.objects.filter(referral=OuterRef("pk"))))


def orders_visible(user, action: str = Action.VIEW) -> QuerySet:
    return scoped(user, action, Kind.ORDER, Order.objects.all())


def recommendations_for_assessment(user, assessment) -> list[Recommendation]:
    return list(
        scoped(
            user,
            Action.VIEW,
            Kind.RECOMMENDATION,
            Recommendation.objects.filter(assessment=assessment),
        ).prefetch_related("requirements")
    )


# The order page --------------------------------------------------------------------------


def order_detail(order: Order) -> dict:
    """Everything shown on the order page, in a fixed number of queries."""
    requirements = list(order.requirements.select_related("provider"))
    appointments = list(
        order.appointments.select_related("requirement", "outcome_recorded_by").order_by(
            "starts_at", "id"
        )
    )
    failures = list(
        order.failures.select_related("appointment", "warning", "breach").order_by(
            "failure_date", "id"
        )
    )
    return {
        "requirements": requirements,
        "appointments": appointments,
        "failures": failures,
        "open_failures": [f for f in failures if f.is_open],
        "warnings": list(order.warnings.order_by("given_on")),
        "breaches": list(order.breaches.select_related("failure").order_by("referred_on")),
        "drug_tests": list(order.drug_tests.all()),
        "reviews": list(order.reviews.select_related("requirement").order_by("review_date")),
        "measure_changes": outcome_measure_changes(order),
        "reoffending": list(order.referral.reoffending_events.all()),
        "events": list(order.events.select_related("by").order_by("-at", "-id")[:30]),
        "drr_requirements": [r for r in requirements if r.kind == RequirementKind.DRR],
        "reviews_required": [r for r in requirements if r.needs_reviews],
    }


@dataclass
class MeasureChange:
    code: str
    points: list  # (stage label, total, band label, measured on)
    first: int | None
    last: int | None

    @property
    def change(self):
        if self.first is None or self.last is None or len(self.points) < 2:
            return None
        return self.last - self.first

    @property
    def is_response(self):
        return self.change is not None and -self.change >= RESPONSE_THRESHOLD


def outcome_measure_changes(order: Order) -> list[MeasureChange]:
    """Per instrument, the totals at start, middle and end, and the change from first to last."""
    stage_order = {stage: i for i, stage in enumerate(MeasureStage.values)}
    measures = sorted(
        OutcomeMeasure.objects.filter(order=order).select_related("response"),
        key=lambda m: (m.instrument_code, stage_order[m.stage]),
    )
    changes: dict[str, MeasureChange] = {}
    for measure in measures:
        change = changes.setdefault(
            measure.instrument_code, MeasureChange(measure.instrument_code, [], None, None)
        )
        total = measure.response.total
        change.points.append(
            (measure.get_stage_display(), total, measure.response.band_label, measure.measured_on)
        )
        change.first = total if change.first is None else change.first
        change.last = total
    return list(changes.values())


def evidence_for(recommendation: Recommendation) -> dict[str, list[str]]:
    """Instrument results and the care threshold offered as evidence, by criterion source."""
    from assessments.selectors import latest_instrument_results

    results = latest_instrument_results(person=recommendation.person)
    offered: dict[str, list[str]] = {}
    for code, response in results.items():
        offered[code] = [
            f"{code} total {response.total} ({response.band_label}) on "
            f"{timezone.localtime(response.completed_at):%d/%m/%Y}"
        ]
    threshold = recommendation.assessment.get_care_threshold_display()
    if threshold:
        offered["care_threshold"] = [f"Care threshold in the signed assessment: {threshold}"]
    return offered


def checklist(recommendation: Recommendation, *, suggest: bool = False) -> list[dict]:
    """Each proposed requirement with its criteria (in statutory order); with `suggest`, the
    instrument results offered as evidence (the L&D team's checklist form only: pages that
    probation or the court read show what was confirmed, nothing more)."""
    offered = evidence_for(recommendation) if suggest else {}
    rows = []
    for requirement in recommendation.requirements.all():
        stored = {c.code: c for c in requirement.criteria.all()}
        criteria = []
        for criterion in criteria_for(requirement.kind):
            suggestions = [s for src in criterion.evidence_from for s in offered.get(src, [])]
            criteria.append(
                {
                    "criterion": criterion,
                    "row": stored.get(criterion.code),
                    "suggestions": suggestions,
                }
            )
        rows.append({"requirement": requirement, "criteria": criteria})
    return rows


# Caseload --------------------------------------------------------------------------------


def caseload_orders_of(user, *, mine: bool = False, active_only: bool = True) -> QuerySet:
    """The orders on the user's caseload (policy scope), active ones unless `active_only`
    is False, only the user's own cases when `mine`."""
    orders = orders_visible(user)
    if active_only:
        orders = orders.filter(status=OrderStatus.ACTIVE)
    return orders.filter(responsible_officer=user) if mine else orders


def may_choose_own_cases(user) -> bool:
    """Supervising officers have their own cases within the unit's caseload."""
    return may_enforce(user)


def _due_querysets(user, *, mine: bool, today: datetime.date) -> dict[str, QuerySet]:
    """The caseload's due lists (CASELOAD_LISTS), unordered: each is read in its spec's
    order, by caseload() for its first rows and by caseload_page() page by page."""
    return due_querysets(
        caseload_orders_of(user, mine=mine),
        caseload_orders_of(user, mine=mine, active_only=False),
        **due_window(today),
    )


def _due_list(user, name: str, *, mine: bool, window: dict) -> "CaseloadList":
    """The first rows of one due list, its SQL compiled once per role and list (core.compiled):
    the seven lists' querysets, scoped and marked, cost more to build than to run."""

    def build(user_id, team_id, **window):
        stand_in = get_user_model()(pk=user_id, team_id=team_id, role=user.role, is_active=True)
        orders = caseload_orders_of(stand_in, mine=mine)
        all_orders = caseload_orders_of(stand_in, mine=mine, active_only=False)
        queryset = due_querysets(orders, all_orders, **window)[name]
        ordered = with_person_markers(queryset.order_by(*CASELOAD_LISTS[name].order.ordering()))
        return ordered[: CASELOAD_LIST_LIMIT + 1]

    key = ("caseload due list", name, user.role, mine, CASELOAD_LIST_LIMIT)
    rows = compiled_rows(key, build, user_id=user.pk, team_id=user.team_id, **window)
    return CaseloadList(rows[:CASELOAD_LIST_LIMIT], more=len(rows) > CASELOAD_LIST_LIMIT)


def caseload(*, user, mine: bool = False, today: datetime.date | None = None) -> dict:
    """The probation officer's (or provider clinician's) working list, in constant queries.

    Each due list is a CaseloadList of at most CASELOAD_LIST_LIMIT rows, most urgent first,
    read through its own index (migration 0003), so its cost follows the rows shown, not the
    size of the unit; the rest are paged by caseload_page():
    - today: appointments today on the caseload;
    - outcomes_due: past appointments with no outcome recorded;
    - non_compliance: failures with no enforcement action yet, by deadline;
    - breaches: breach referrals awaiting the court;
    - reviews_due: DRR reviews in the next 14 days, and DRRs over 12 months with none booked;
    - reoffending_due: reoffending checks of the orders' referrals due and not done (orders
      ended or not; referrals.reoffending);
    - orders: the first page of active orders ending soonest (caseload_orders_page), with
      their count (capped like My work's).
    `mine` narrows every list to the orders the user is responsible officer for.
    """
    today = today or timezone.localdate()
    can_enforce = may_enforce(user)
    window = due_window(today)
    lists = {
        name: _due_list(user, name, mine=mine, window=window)
        if can_enforce or not spec.enforcement_only
        else CaseloadList([], more=False)
        for name, spec in CASELOAD_LISTS.items()
    }
    return {
        **lists,
        "orders": _first_orders_page(user, mine=mine),
        "orders_count": compiled_for_user(
            ("caseload orders count", mine, CASELOAD_COUNT_CAP),
            user,
            lambda user: (
                caseload_orders_of(user, mine=mine)
                .order_by()
                .values("pk")[: CASELOAD_COUNT_CAP + 1]
            ),
            count=True,
        ),
        "orders_count_cap": CASELOAD_COUNT_CAP,
        "scope": orders_scope(user),
        "can_enforce": can_enforce,
        "today_date": today,
        "list_limit": CASELOAD_LIST_LIMIT,
    }


def caseload_page(
    *,
    user,
    name: str,
    mine: bool = False,
    after: str | None = None,
    before: str | None = None,
    today: datetime.date | None = None,
) -> KeysetPage:
    """A page of one of the caseload's due lists (CASELOAD_LISTS), so every row is reachable.

    KeyError for an unknown list, or one the user does not hold (enforcement_only)."""
    spec = CASELOAD_LISTS[name]
    if spec.enforcement_only and not may_enforce(user):
        raise KeyError(name)
    today = today or timezone.localdate()
    queryset = _due_querysets(user, mine=mine, today=today)[name]
    return _keyset(queryset, spec.order, after=after, before=before)


def caseload_search_q(search: dict) -> Q:
    """A stored caseload search (forms.CaseloadSearchForm.clean_q) as a filter on orders:
    the order reference, or the person's name, NHS number or PNC ID (as the referral list)."""
    if search["kind"] == "order_reference":
        return Q(pk=search["value"])
    return search_q(search)


def caseload_orders_page(
    *,
    user,
    mine: bool = False,
    filters: dict | None = None,
    search: dict | None = None,
    sort: str = DEFAULT_ORDER_SORT,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """A page of the user's orders (active unless filtered otherwise), in the chosen sort.

    Filters: `kind` (an order with a requirement of that kind), `status` (default active),
    `officer` (the responsible officer; "Whole team" only, so ignored when `mine`).
    The search looks within the same cases (the policy's CASELOAD or PROVIDER scope).
    """
    orders = _orders_list(user, mine=mine, filters=filters or {}, search=search)
    order = ORDER_SORTS.get(sort, ORDER_SORTS[DEFAULT_ORDER_SORT])[1]
    return _keyset(orders, order, after=after, before=before)


def _orders_list(user, *, mine: bool, filters: dict, search: dict | None) -> QuerySet:
    orders = caseload_orders_of(user, mine=mine, active_only=False).filter(
        status=filters.get("status") or OrderStatus.ACTIVE
    )
    if filters.get("kind"):
        orders = orders.filter(
            Exists(OrderRequirement.objects.filter(order=OuterRef("pk"), kind=filters["kind"]))
        )
    if filters.get("officer") and not mine:
        orders = orders.filter(responsible_officer=filters["officer"])
    if search:
        orders = orders.filter(caseload_search_q(search))
    return orders.select_related("person", "responsible_officer").prefetch_related(
        Prefetch("requirements", queryset=OrderRequirement.objects.select_related("provider"))
    )


def _first_orders_page(user, *, mine: bool) -> KeysetPage:
    """The caseload's first page of orders (unfiltered, ending soonest), compiled once per
    role (core.compiled), as caseload_orders_page reads it."""
    order = ORDER_SORTS[DEFAULT_ORDER_SORT][1]

    def build(user):
        orders = with_person_markers(_orders_list(user, mine=mine, filters={}, search=None))
        return first_page_query(orders, order, CASELOAD_PAGE_SIZE)

    key = ("caseload orders first page", mine, CASELOAD_PAGE_SIZE)
    return first_page(compiled_for_user(key, user, build), order, CASELOAD_PAGE_SIZE)


def caseload_officers(user) -> QuerySet:
    """Whom the "Whole team" orders list may be filtered by: the team's officers."""
    from accounts.models import User

    return (
        User.objects.people()
        .filter(team_id=user.team_id, role=Role.PROBATION_OFFICER)
        .order_by("first_name", "last_name", "id")
    )


def with_person_markers(queryset: QuerySet) -> QuerySet:
    """Rows carry the person markers (e.g. a self-harm risk) in the same query."""
    has_person = any(field.name == "person" for field in queryset.model._meta.fields)
    return annotate_person_markers(queryset, "person" if has_person else "order__person")


def _keyset(queryset, order: KeysetOrder, *, after, before) -> KeysetPage:
    rows = with_person_markers(queryset)
    return keyset_page(rows, order, page_size=CASELOAD_PAGE_SIZE, after=after, before=before)


class CaseloadList(list):
    """The first rows of a caseload list; `more` says whether rows beyond them exist."""

    def __init__(self, rows, *, more: bool):
        super().__init__(rows)
        self.more = more


def orders_scope(user):
    return scope_for(user, Action.VIEW, Kind.ORDER)
