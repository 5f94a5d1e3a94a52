"""The caseload's week of appointments, what is due this week, and "New to me"."""

import datetime

from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, Kind, require

from .. import caseload_week as week_selectors
from .. import services
from .orders import _audit_caseload, _cases_query, _paging_links, _whose_cases


@require_http_methods(["GET"])
def caseload_week(request):
    """This week's or next week's appointments (Monday to Sunday, London time) by day, and
    what falls due this week."""
    require(request, Action.VIEW, Kind.ORDER)
    may_choose, mine = _whose_cases(request)
    week = request.GET.get("week", "this")
    if week not in week_selectors.WEEKS:
        week = "this"
    today = timezone.localdate()
    monday = week_selectors.week_start(today, week)
    page = week_selectors.week_appointments(
        user=request.user, mine=mine, monday=monday, after=request.GET.get("after")
    )
    cases = _cases_query(may_choose, mine)
    base = "&".join(part for part in (cases, urlencode({"week": week})) if part)
    this_monday = week_selectors.week_start(today)
    context = {
        "week": week,
        "monday": monday,
        "sunday": monday + datetime.timedelta(days=6),
        "days": week_selectors.week_days(monday, page.rows),
        "page": page,
        "today_date": today,
        "now": timezone.now(),
        "due": week_selectors.due_this_week(user=request.user, mine=mine, today=today),
        "measures_due": list(
            week_selectors.end_measures_due(user=request.user, mine=mine, monday=this_monday)[
                : week_selectors.WEEK_PAGE_SIZE
            ]
        ),
        "may_choose_own_cases": may_choose,
        "mine": mine,
        "cases_query": cases,
        "week_query": base,
        "next_query": _paging_links(page, base)["next_query"],
    }
    _audit_caseload(request, f"caseload week ({week})")
    return render(request, "treatment_requirements/caseload_week.html", context)


def _since(request):
    """The look the New to me page is measured from: the one in the URL (the caseload links
    with it, so paging keeps the same list), else the user's last look."""
    raw = request.GET.get("since", "")
    try:
        since = datetime.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        since = None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    return since


@require_http_methods(["GET"])
def caseload_new_to_me(request):
    """Orders allocated to the user since they last opened the caseload, most recent first."""
    require(request, Action.VIEW, Kind.ORDER)
    opened_at = timezone.now()
    since = _since(request)
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
