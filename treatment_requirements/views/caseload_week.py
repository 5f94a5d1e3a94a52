"""The caseload's week of appointments, what is due this week, and "New to me"."""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from accounts.policy import Action, Kind, require
from core.paging import page_links
from core.view_helpers import new_to_me_list

from .. import caseload_week as week_selectors
from .. import selectors, services
from ..working_days import ENGLAND_AND_WALES
from .common import audit_caseload, cases_query, whose_cases


def _bank_holidays(user) -> str:
    # The week shows the bank holidays of the user's team (accounts.Team.bank_holidays).
    return user.team.bank_holidays if user.team_id else ENGLAND_AND_WALES


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
    may_choose, mine = whose_cases(request)
    week = _week(request)
    today = timezone.localdate()
    window = week_selectors.due_window(today, week)
    monday = window.monday
    page = week_selectors.week_appointments(
        user=request.user, mine=mine, monday=monday, after=request.GET.get("after")
    )
    cases = cases_query(may_choose, mine)
    base = "&".join(part for part in (cases, urlencode({"week": week})) if part)
    context = {
        "week": week,
        "monday": monday,
        "sunday": window.sunday,
        "days": week_selectors.week_days(monday, page.rows, _bank_holidays(request.user)),
        "page": page,
        "today_date": today,
        "now": timezone.now(),
        "due_rows": _due_rows(request, mine=mine, window=window),
        "may_choose_own_cases": may_choose,
        "mine": mine,
        "cases_query": cases,
        "week_query": base,
        "next_query": page_links(page, base)["next_query"],
    }
    audit_caseload(request, f"caseload week ({week})")
    return render(request, "treatment_requirements/caseload_week.html", context)


@require_http_methods(["GET"])
def caseload_week_due(request, name):
    """Every row one of the week page's due counts counted, page by page."""
    require(request, Action.VIEW, Kind.ORDER)
    may_choose, mine = whose_cases(request)
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
    cases = cases_query(may_choose, mine)
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
        **page_links(page, base),
    }
    audit_caseload(request, f"caseload week due {name} ({week})")
    return render(request, "treatment_requirements/caseload_week_due.html", context)


@require_http_methods(["GET"])
def caseload_new_to_me(request):
    """Orders allocated to the user since they last opened the caseload, most recent first."""
    require(request, Action.VIEW, Kind.ORDER)
    return new_to_me_list(
        request,
        template="treatment_requirements/caseload_new_to_me.html",
        since_last_look=week_selectors.since_last_look,
        page_of=week_selectors.new_to_me_page,
        look_record=services.caseload_look_record,
        audit=lambda request: audit_caseload(request, "caseload new to me"),
    )
