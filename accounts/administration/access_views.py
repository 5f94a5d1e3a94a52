"""The screens of clinical access waiting for a second administrator (role and team
changes, new accounts, reactivations): the list of those waiting, and one request to
approve or reject (accounts.administration.access_requests). The administrator who asked,
and the user it is about, see the request but are refused the decision (403, audited).
Approving a new account shows its temporary password to the approving administrator."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from core.view_helpers import form_page, posted, submit

from ..audit import audit_request
from ..enums import AccessRequestStatus, AuditAction
from ..models import AccessChangeRequest
from ..policy import Action, Kind, require
from . import access_requests, selectors, services
from .forms import AccessDecisionForm

TEMPLATE = "accounts/administration/access_request.html"


@require_GET
def access_request_list(request):
    """Every request waiting, oldest first, each saying whether this administrator may
    decide it."""
    require(request, Action.VIEW, Kind.ACCOUNTS)
    waiting = list(selectors.pending_access_requests())
    for access_request in waiting:
        access_request.decidable = access_requests.may_decide(access_request, request.user)
    return render(
        request, "accounts/administration/access_request_list.html", {"requests": waiting}
    )


def _refused(request, access_request):
    """The requester or the user opening the decision: a message, not a form; audited."""
    own_account = services.refuses_own_account(access_request.user, request.user)
    audit_request(
        request,
        action=AuditAction.REFUSED,
        obj=access_request.user,
        detail=f"access request {access_request.pk} decision refused: "
        + ("own account" if own_account else "own request"),
    )
    message = services.OWN_ACCOUNT_MESSAGE if own_account else access_requests.OWN_REQUEST_MESSAGE
    return render(
        request,
        TEMPLATE,
        {"access_request": access_request, "refusal": message},
        status=403,
    )


@require_http_methods(["GET", "POST"])
def access_request_decide(request, pk):
    """Approve or reject one request (another administrator's, about someone else)."""
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    try:
        access_request = selectors.access_request(pk)
    except AccessChangeRequest.DoesNotExist as exc:
        raise Http404("No such request") from exc
    if not access_requests.may_decide(access_request, request.user):
        return _refused(request, access_request)
    if access_request.status != AccessRequestStatus.PENDING and request.method == "GET":
        return render(request, TEMPLATE, {"access_request": access_request})
    form = AccessDecisionForm(
        posted(request),
        initial={"version": access_request.version},
        activates=access_request.activates,
    )
    outcome = submit(
        request,
        form,
        lambda data: access_requests.decide(
            access_request=access_request,
            by=request.user,
            approve=data["decision"] == AccessDecisionForm.APPROVE,
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
    )
    if outcome and outcome.result.temporary_password:
        # A new account approved: its password is shown to this administrator, once, on
        # this response only (never in a message or the session).
        return render(
            request,
            "accounts/administration/user_created.html",
            {
                "created": outcome.result.user,
                "password": outcome.result.temporary_password,
                "approved": True,
            },
        )
    if outcome:
        approved = outcome.result.status == AccessRequestStatus.APPROVED
        messages.success(request, "Change approved and applied" if approved else "Rejected")
        return redirect(reverse("accounts:admin_access_request_list"))
    return form_page(request, TEMPLATE, form, status=outcome.status, access_request=access_request)
