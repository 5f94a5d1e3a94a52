"""The caseload's week of appointments, what is due this week, and "New to me"."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, Kind, require
from core.paging import since_from_query

from .. import caseload_week as week_selectors
from .. import selectors, services
from .orders import _audit_caseload, _cases_query, _paging_links, _whose_cases


def _week(request) -> str:
    week = request.GET.get("week", "this")
    return week if week in week_selectors.WEEKS else "this"


def _count_label(count: int) -> str:
    cap = week_selectors.CASELOAD_COUNT_CAP
    return f"{cap:,}+" if count > cap else f"{count:,}"


def _due_rows(request, *, mine: bool, window) -> list[dict]:
    """The week page's "Due this week" (or next week): each measure's label, count and the
    query of the list of exactly the rows counted."""
    counts = week_selectors.due_this_week(
        user=request.user, mine=mine, today=window.today, week=window.week
    )
    rows = []
    for name, count in counts.items():
        spec = week_selectors.WEEK_DUE_LISTS[name]
        rows.append(
            {
                "name": name,
                "label": spec.label if window.current else spec.next_label,
                "count": count,
                "count_label": _count_label(count),
                "url": reverse("treatment_requirements:caseload_week_due", args=[name]),
            }
        )
    return rows


@require_http_methods(["GET"])
def caseload_week(request):
    """This week's or next week's appointments (Monday to Sunday, London time) by day, and
    what falls due in that week."""
    require(request, Action.VIEW, Kind.ORDER)
    may_choose, mine = _whose_cases(request)
    week = _week(request)
    today = timezone.localdate()
    window = week_selectors.due_window(today, week)
    monday = window.monday
    page = week_selectors.week_appointments(
        user=request.user, mine=mine, monday=monday, after=request.GET.get("after")
    )
    cases = _cases_query(may_choose, mine)
    base = "&".join(part for part in (cases, urlencode({"week": week})) if part)
    context = {
        "week": week,
        "monday": monday,
        "sunday": window.sunday,
        "days": week_selectors.week_days(monday, page.rows),
        "page": page,
        "today_date": today,
        "now": timezone.now(),
        "due_rows": _due_rows(request, mine=mine, window=window),
        "may_choose_own_cases": may_choose,
        "mine": mine,
        "cases_query": cases,
        "week_query": base,
        "next_query": _paging_links(page, base)["next_query"],
    }
    _audit_caseload(request, f"caseload week ({week})")
    return render(request, "treatment_requirements/caseload_week.html", context)


@require_http_methods(["GET"])
def caseload_week_due(request, name):
    """Every row one of the week page's due counts counted, page by page."""
    require(request, Action.VIEW, Kind.ORDER)
    may_choose, mine = _whose_cases(request)
    week = _week(request)
    today = timezone.localdate()
    window = week_selectors.due_window(today, week)
    try:
        page = week_selectors.week_due_page(
            user=request.user,
            mine=mine,
            name=name,
            today=today,
            week=week,
            after=request.GET.get("after"),
            before=request.GET.get("before"),
        )
    except KeyError:
        raise Http404("No such list in this week") from None
    cases = _cases_query(may_choose, mine)
    base = "&".join(part for part in (cases, urlencode({"week": week})) if part)
    context = {
        "name": name,
        "title": week_selectors.week_due_title(name, window),
        "rows_template": week_selectors.WEEK_DUE_LISTS[name].rows_template,
        "week": week,
        "week_query": base,
        "page": page,
        "rows": page.rows,
        "may_choose_own_cases": may_choose,
        "mine": mine,
        "can_enforce": selectors.may_enforce(request.user),
        "today_date": today,
        "now": timezone.now(),
        **_paging_links(page, base),
    }
    _audit_caseload(request, f"caseload week due {name} ({week})")
    return render(request, "treatment_requirements/caseload_week_due.html", context)


@require_http_methods(["GET"])
def caseload_new_to_me(request):
    """Orders allocated to the user since they last opened the caseload, most recent first."""
    require(request, Action.VIEW, Kind.ORDER)
    opened_at = timezone.now()
    since = since_from_query(request.GET.get("since"))
    from_url = since is not None
    if since is None:
        since = week_selectors.new_to_me_since(request.user, week_selectors.last_look(request.user))
    page = week_selectors.new_to_me_page(
        user=request.user,
        since=since,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
    )
    context = {
        "page": page,
        "rows": page.rows,
        "since": since,
        **_paging_links(page, urlencode({"since": since.isoformat()})),
    }
    _audit_caseload(request, "caseload new to me")
    response = render(request, "treatment_requirements/caseload_new_to_me.html", context)
    if not from_url:
        services.caseload_look_record(user=request.user, looked_at=opened_at)
    return response
