"""Record-level returns: ask for one, watch it being built, download it (audited).

Access is the policy's record-level return cell (Kind.RECORD_RETURN, Action.EXPORT):
commissioners for the whole area, team leads for their own team, everyone else 403. A
return is seen and downloaded by the person who asked for it only (anyone else: 404). No
page shows or links to a person's record, and no URL carries personal data.
"""

from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from accounts.audit import audit_request
from accounts.enums import AuditAction
from accounts.policy import Action, Kind, Scope, require
from core.view_helpers import form_page, submit

from .exports import XLSX_CONTENT_TYPE
from .models import ReturnRequest, ReturnScope, ReturnState
from .return_build import STORAGE, return_request_create
from .return_forms import ReturnRequestForm

RECENT = 20


def _scope(request) -> tuple[str, object]:
    """(ReturnScope, team) the user may ask for, or 403."""
    scope = require(request, Action.EXPORT, Kind.RECORD_RETURN)
    if scope == Scope.TEAM:
        if request.user.team is None:
            raise PermissionDenied("You are not a member of a team, so there is nothing to return.")
        return ReturnScope.TEAM, request.user.team
    return ReturnScope.AREA, None


def _own(request, pk) -> ReturnRequest:
    """The user's own return, still within what they may see now (a team lead moved to
    another team no longer reaches the old team's file)."""
    scope, team = _scope(request)
    return get_object_or_404(ReturnRequest, pk=pk, requester=request.user, scope=scope, team=team)


@require_http_methods(["GET", "POST"])
def return_list(request):
    scope, team = _scope(request)
    form = ReturnRequestForm(request.POST or None)
    outcome = submit(
        request,
        form,
        lambda data: return_request_create(
            user=request.user,
            scope=scope,
            team=team,
            period_start=data["period_start"],
            period_end=data["period_end"],
        ),
    )
    if outcome:
        return redirect("reporting:return_detail", outcome.result.pk)
    returns = ReturnRequest.objects.filter(requester=request.user).select_related("team")
    return form_page(
        request,
        "reporting/return_list.html",
        form,
        status=outcome.status,
        returns=returns[:RECENT],
        scope_label=team.name if team else "the whole area",
    )


@require_GET
def return_detail(request, pk):
    return render(request, "reporting/return_detail.html", {"ret": _own(request, pk)})


@require_GET
def return_progress(request, pk):
    """What the progress bar shows (polled by static/js/return-progress.js)."""
    ret = _own(request, pk)
    return JsonResponse(
        {
            "state": ret.state,
            "state_label": ret.get_state_display(),
            "progress": ret.progress,
            "rows": ret.rows,
            "finished": ret.is_finished,
        },
        headers={"Cache-Control": "no-store"},
    )


@require_GET
def return_download(request, pk):
    ret = _own(request, pk)
    if ret.state != ReturnState.READY or not ret.stored_name:
        raise Http404("This return is not ready, or its file has been deleted after 7 days.")
    audit_request(
        request,
        action=AuditAction.EXPORT,
        object_type="reporting.returnrequest",
        detail=f"record-level return {ret.pk}: {ret.scope} {ret.period_start} to "
        f"{ret.period_end}, {ret.rows} rows",
    )
    # Never stored by a browser or proxy: accounts.middleware.NoStoreMiddleware.
    return FileResponse(
        storages[STORAGE].open(ret.stored_name, "rb"),
        as_attachment=True,
        filename=ret.file_name,
        content_type=XLSX_CONTENT_TYPE,
    )
