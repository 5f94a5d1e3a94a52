"""Commissioner and team-lead dashboards, their exports and the printable board summary.

Every view asks the access policy (Kind.DASHBOARD): commissioners get figures for every
team with disclosure control, team leads exact figures for their own team, everyone else
403. No view shows or links to a person's record, and no URL carries personal data: the
filters are codes and a numeric team id.
"""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.audit import audit_request
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, Scope, require, scope_for

from .exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, export_filename, table_csv, tables_xlsx
from .forms import DashboardFilterForm
from .selectors import dashboard_cache_key, dashboard_for, disclosure_for, latest_run

DASHBOARD_CACHE_SECONDS = 6 * 60 * 60  # a new run makes a new key well before this

BOARD_TABLES = (
    "funnel",
    "timeliness",
    "requirements",
    "compliance",
    "outcome-measures",
    "reoffending",
)


def _filters(request, action):
    """Check the policy and return (form, selection) for the request's filters."""
    scope = require(request, action, Kind.DASHBOARD)
    fixed_team = None
    if scope == Scope.TEAM:
        fixed_team = request.user.team
        if fixed_team is None:
            raise PermissionDenied("You are not a member of a team, so there is nothing to show.")
    form = DashboardFilterForm(request.GET or None, fixed_team=fixed_team)
    return form, form.selection()


def _load(request, action):
    """Check the policy and return (form, selection, dashboard) for the request's filters."""
    form, selection = _filters(request, action)
    return form, selection, dashboard_for(user=request.user, selection=selection)


@require_GET
def dashboard(request):
    form, selection = _filters(request, Action.VIEW)
    # The figures change only when the overnight run does, and the key names that run: every
    # user with the same disclosure rule and filters is served the same rendered figures.
    run = latest_run()
    key = dashboard_cache_key(user=request.user, selection=selection, run=run)
    body = cache.get(key)
    if body is None:
        figures = dashboard_for(user=request.user, selection=selection, run=run)
        body = render_to_string(
            "reporting/_dashboard_body.html",
            {
                "dashboard": figures,
                "meta": figures.meta,
                "query_string": selection.query_string(),
            },
            request=request,
        )
        cache.set(key, body, DASHBOARD_CACHE_SECONDS)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "form": form,
            "selection": selection,
            "suppressed": disclosure_for(request.user).suppressed,
            "may_ask_return": scope_for(request.user, Action.EXPORT, Kind.RECORD_RETURN)
            is not None,
            "body": body,  # a SafeString from our own template (pickling keeps it so)
        },
    )


@require_GET
def board_summary(request):
    form, selection, figures = _load(request, Action.VIEW)
    tables = [figures.table(key) for key in BOARD_TABLES]
    return render(
        request,
        "reporting/board_summary.html",
        {
            "selection": selection,
            "dashboard": figures,
            "meta": figures.meta,
            "tables": [t for t in tables if t is not None],
            "printed_on": timezone.localdate(),
            "query_string": selection.query_string(),
        },
    )


def _audit_export(request, selection, what):
    audit_request(
        request,
        action=AuditAction.EXPORT,
        object_type="reporting.dashboard",
        detail=f"{what}; {selection.query_string() or 'default filters'}",
    )


def _attachment(content, content_type, filename):
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def export_table(request, key, fmt):
    form, selection, figures = _load(request, Action.EXPORT)
    table = figures.table(key)
    if table is None:
        raise Http404("There is no dashboard table with that name.")
    _audit_export(request, selection, f"dashboard table {key} as {fmt}")
    filename = export_filename(key, figures.meta, selection, fmt)
    if fmt == "csv":
        return _attachment(table_csv(table, figures.meta), CSV_CONTENT_TYPE, filename)
    return _attachment(tables_xlsx([table], figures.meta), XLSX_CONTENT_TYPE, filename)


@require_GET
def export_workbook(request):
    form, selection, figures = _load(request, Action.EXPORT)
    _audit_export(request, selection, "all dashboard tables as xlsx")
    filename = export_filename("dashboard", figures.meta, selection, "xlsx")
    return _attachment(tables_xlsx(figures.tables, figures.meta), XLSX_CONTENT_TYPE, filename)
