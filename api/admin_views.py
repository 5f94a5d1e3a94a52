"""The administrators' screens for API clients: the list, register (the secret shown
once), a client's page with its history, rotate the secret (shown once), revoke.

As the other administration screens: the policy first (accounts' ACCOUNTS kind), one
form, one service; a stale page answers 409.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.administration.forms import ReasonForm
from accounts.policy import Action, Kind, require
from core.forms import VersionForm
from core.view_helpers import form_page, posted, submit

from . import services
from .forms import ClientCreateForm
from .models import ApiClient

CHANGE_TEMPLATE = "accounts/administration/change.html"


def _load(pk) -> ApiClient:
    try:
        return ApiClient.objects.select_related("team", "application", "created_by").get(pk=pk)
    except ApiClient.DoesNotExist as exc:
        raise Http404("No such client") from exc


def _secret_page(request, client, secret, title):
    """The new secret, on this response only (never in a message or the session): 201, a
    credential made, and the one answer to a POST here that is not a redirect."""
    return render(
        request,
        "api/client_secret.html",
        {"client": client, "secret": secret, "title": title},
        status=201,
    )


@require_GET
def client_list(request):
    require(request, Action.VIEW, Kind.ACCOUNTS)
    clients = ApiClient.objects.select_related("team").order_by("name")
    return render(request, "api/client_list.html", {"clients": clients})


@require_http_methods(["GET", "POST"])
def client_create(request):
    require(request, Action.CREATE, Kind.ACCOUNTS)
    form = ClientCreateForm(posted(request))
    outcome = submit(
        request,
        form,
        lambda data: services.client_register(
            name=data["name"],
            team=data["team"],
            scopes=data["scopes"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        client, secret = outcome.result
        return _secret_page(request, client, secret, "API client registered")
    return form_page(
        request,
        CHANGE_TEMPLATE,
        form,
        status=outcome.status,
        title="Register an API client",
        submit="Register",
        back=reverse("api_admin:client_list"),
    )


@require_GET
def client_detail(request, pk):
    require(request, Action.VIEW, Kind.ACCOUNTS)
    client = _load(pk)
    return render(
        request,
        "api/client_detail.html",
        {"client": client, "history": client.changes.select_related("by")},
    )


@require_http_methods(["GET", "POST"])
def client_rotate(request, pk):
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    client = _load(pk)
    form = VersionForm(posted(request), initial={"version": client.version})
    outcome = submit(
        request,
        form,
        lambda data: services.client_rotate(
            client=client, expected_version=data["version"], by=request.user, request=request
        ),
    )
    if outcome:
        return _secret_page(request, client, outcome.result, "New secret")
    return form_page(
        request,
        CHANGE_TEMPLATE,
        form,
        status=outcome.status,
        caption=client.name,
        title="Rotate the secret",
        submit="Rotate: the old secret stops working now",
        warning=True,
        back=reverse("api_admin:client_detail", args=[client.pk]),
    )


@require_http_methods(["GET", "POST"])
def client_approve(request, pk):
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    client = _load(pk)
    form = VersionForm(posted(request), initial={"version": client.version})
    outcome = submit(
        request,
        form,
        lambda data: services.client_approve(
            client=client, expected_version=data["version"], by=request.user, request=request
        ),
    )
    if outcome:
        messages.success(request, f"{client.name} approved: its tokens now work")
        return redirect("api_admin:client_detail", pk=client.pk)
    return form_page(
        request,
        CHANGE_TEMPLATE,
        form,
        status=outcome.status,
        caption=client.name,
        title="Approve this API client",
        submit="Approve: it may call the API for its team",
        back=reverse("api_admin:client_detail", args=[client.pk]),
    )


@require_http_methods(["GET", "POST"])
def client_revoke(request, pk):
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    client = _load(pk)
    form = ReasonForm(posted(request), initial={"version": client.version})
    outcome = submit(
        request,
        form,
        lambda data: services.client_revoke(
            client=client,
            reason=data["reason"],
            expected_version=data["version"],
            by=request.user,
            request=request,
        ),
    )
    if outcome:
        messages.success(request, f"{client.name} revoked: its tokens no longer work")
        return redirect("api_admin:client_detail", pk=client.pk)
    return form_page(
        request,
        CHANGE_TEMPLATE,
        form,
        status=outcome.status,
        caption=client.name,
        title="Revoke this client",
        submit="Revoke",
        warning=True,
        back=reverse("api_admin:client_detail", args=[client.pk]),
    )
