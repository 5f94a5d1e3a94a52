"""The administration screens: staff accounts, teams and sites (administrators only).

Each view asks the access policy first (accounts.policy.require), loads the record,
validates a form and calls one service (accounts.administration.services). A stale edit
(another administrator saved first) answers 409 with the form and a message; a refused
change (one's own account, nothing to change) answers 400 with the message.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods
from django_otp import user_has_device

from core.view_helpers import form_page, posted, submit

from ..audit import audit_request
from ..enums import AuditAction
from ..models import RolePolicy, Site, Team, User
from ..policy import Action, Kind, require
from ..user_sessions import sessions_active
from . import access_requests, selectors, services
from .forms import (
    ReasonForm,
    RenameForm,
    SiteCreateForm,
    TeamBankHolidaysForm,
    TeamCreateForm,
    UserCreateForm,
    UserFilterForm,
    UserRoleTeamForm,
)

PAGE_SIZE = 50
REQUESTED_MESSAGE = (
    "Change requested: this role sees people's records, so another administrator must "
    "approve it before it applies"
)
REACTIVATION_REQUESTED_MESSAGE = (
    "Reactivation requested: this user's role sees people's records, so another "
    "administrator must approve it before they can sign in"
)
CHANGE_TEMPLATE = "accounts/administration/change.html"


def _load(model, pk):
    try:
        return model.objects.get(pk=pk)
    except model.DoesNotExist as exc:
        raise Http404("No such record") from exc


def _load_account(pk):
    """A person's account. An API client's service account is not one: it changes only on
    its client's page (rotate, revoke), so here it is 404 as a missing account is."""
    try:
        return User.objects.people().get(pk=pk)
    except User.DoesNotExist as exc:
        raise Http404("No such user") from exc


def _change_page(request, form, call, *, done, success, page):
    """Validate `form` on POST and call `call(cleaned_data)`; redirect to `done` with
    `success`, or show the page again with the refusal (409 for a stale edit)."""
    outcome = submit(request, form, call)
    if outcome:
        messages.success(request, success(outcome.result) if callable(success) else success)
        return redirect(done)
    return form_page(request, CHANGE_TEMPLATE, form, status=outcome.status, **page)


def _own_account_refused(request, user):
    """An administrator opening a change to their own account: a message, not a form."""
    audit_request(
        request,
        action=AuditAction.REFUSED,
        obj=user,
        detail="own account change refused",
    )
    return render(
        request,
        CHANGE_TEMPLATE,
        {
            "title": "You cannot change your own account here",
            "refusal": services.OWN_ACCOUNT_MESSAGE,
            "back": reverse("accounts:admin_user_detail", args=[user.pk]),
        },
        status=403,
    )


# Users ------------------------------------------------------------------------------------


@require_GET
def user_list(request):
    """Users by surname, searched by words and filtered by role, team and status."""
    require(request, Action.VIEW, Kind.ACCOUNTS)
    form = UserFilterForm(request.GET or None)
    users = selectors.user_search()
    if form.is_bound and form.is_valid():
        users = selectors.user_search(
            text=form.cleaned_data["q"],
            role=form.cleaned_data["role"],
            team=form.cleaned_data["team"],
            active=form.active(),
        )
    elif form.is_bound:
        users = users.none()
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/administration/user_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "waiting": selectors.pending_access_requests().count(),
        },
    )


@require_http_methods(["GET", "POST"])
def user_create(request):
    require(request, Action.CREATE, Kind.ACCOUNTS)
    form = UserCreateForm(posted(request))
    outcome = submit(
        request,
        form,
        lambda data: access_requests.create_user(by=request.user, request=request, **data),
    )
    if outcome:
        # A role that sees records: no password here, the approving administrator sees it.
        user, password, access_request = outcome.result
        # Shown once, on this response only: never put in a message or the session.
        return render(
            request,
            "accounts/administration/user_created.html",
            {"created": user, "password": password, "access_request": access_request},
        )
    return form_page(
        request, "accounts/administration/user_create.html", form, status=outcome.status
    )


@require_GET
def user_detail(request, pk):
    require(request, Action.VIEW, Kind.ACCOUNTS)
    try:
        user = selectors.user_with_history(pk)
    except User.DoesNotExist as exc:
        raise Http404("No such user") from exc
    return render(
        request,
        "accounts/administration/user_detail.html",
        {
            "account": user,
            "own": services.refuses_own_account(user, request.user),
            "has_device": user_has_device(user, confirmed=True),
            "role_requires_two_factor": RolePolicy.requires_two_factor(user.role),
            "sessions": sessions_active(user),
            "pending_request": selectors.pending_access_requests().filter(user=user).first(),
        },
    )


def _user_change(request, pk, *, form_class, call, success, title, submit, warning=False):
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    user = _load_account(pk)
    if services.refuses_own_account(user, request.user):
        return _own_account_refused(request, user)
    initial = {"version": user.version, "role": user.role, "team": user.team_id}
    form = form_class(posted(request), initial=initial)
    return _change_page(
        request,
        form,
        lambda data: call(user, data),
        done=reverse("accounts:admin_user_detail", args=[user.pk]),
        success=success,
        page={
            "title": title,
            "caption": f"{user.display_name} ({user.username})",
            "submit": submit,
            "warning": warning,
            "back": reverse("accounts:admin_user_detail", args=[user.pk]),
        },
    )


@require_http_methods(["GET", "POST"])
def user_role_team(request, pk):
    return _user_change(
        request,
        pk,
        form_class=UserRoleTeamForm,
        call=lambda user, data: access_requests.change_role_and_team(
            user=user,
            by=request.user,
            role=data["role"],
            team=data["team"],
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        # A role that sees people's records waits for a second administrator.
        success=lambda access_request: (
            REQUESTED_MESSAGE if access_request else "Role and team changed"
        ),
        title="Change role and team",
        submit="Save changes",
    )


@require_http_methods(["GET", "POST"])
def user_active(request, pk):
    """Deactivate an active user (their sessions end) or reactivate a deactivated one."""
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    active = not _load_account(pk).is_active
    return _user_change(
        request,
        pk,
        form_class=ReasonForm,
        call=lambda user, data: access_requests.set_active(
            user=user,
            by=request.user,
            active=active,
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        # Reactivating a role that sees people's records waits for a second administrator.
        success=lambda access_request: (
            REACTIVATION_REQUESTED_MESSAGE
            if access_request
            else ("User reactivated" if active else "User deactivated and signed out")
        ),
        title="Reactivate user" if active else "Deactivate user",
        submit="Reactivate" if active else "Deactivate",
        warning=not active,
    )


@require_http_methods(["GET", "POST"])
def user_two_factor_required(request, pk):
    """Require two-factor sign-in of one user (or stop requiring it)."""
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    required = not _load_account(pk).two_factor_required
    return _user_change(
        request,
        pk,
        form_class=ReasonForm,
        call=lambda user, data: services.user_set_two_factor_required(
            user=user,
            by=request.user,
            required=required,
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        success="Two-factor sign-in required" if required else "Requirement removed",
        title="Require two-factor sign-in"
        if required
        else "Stop requiring two-factor sign-in for this user",
        submit="Require two-factor sign-in" if required else "Stop requiring it",
    )


@require_http_methods(["GET", "POST"])
def user_two_factor_reset(request, pk):
    return _user_change(
        request,
        pk,
        form_class=ReasonForm,
        call=lambda user, data: services.user_reset_two_factor(
            user=user,
            by=request.user,
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        success="Two-factor sign-in reset and the user signed out",
        title="Reset two-factor sign-in",
        submit="Reset two-factor sign-in",
        warning=True,
    )


@require_http_methods(["POST"])
def user_sessions_end(request, pk):
    """End all of a user's sessions: they are signed out everywhere at their next click."""
    require(request, Action.CHANGE, Kind.ACCOUNTS)
    user = _load_account(pk)
    if services.refuses_own_account(user, request.user):
        return _own_account_refused(request, user)
    ended = services.user_sessions_end_all(user=user, by=request.user, request=request)
    messages.success(
        request, f"{ended} session{'s' if ended != 1 else ''} ended: the user is signed out"
    )
    return redirect("accounts:admin_user_detail", pk=user.pk)


# Teams and sites --------------------------------------------------------------------------


@require_GET
def team_list(request):
    require(request, Action.VIEW, Kind.TEAMS)
    page = Paginator(selectors.team_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "accounts/administration/team_list.html", {"page": page})


@require_http_methods(["GET", "POST"])
def team_create(request):
    require(request, Action.CREATE, Kind.TEAMS)
    form = TeamCreateForm(posted(request))
    return _change_page(
        request,
        form,
        lambda data: services.team_create(by=request.user, request=request, **data),
        done=reverse("accounts:admin_team_list"),
        success="Team added",
        page={
            "title": "Add a team",
            "submit": "Add team",
            "back": reverse("accounts:admin_team_list"),
        },
    )


@require_GET
def team_detail(request, pk):
    require(request, Action.VIEW, Kind.TEAMS)
    try:
        team = selectors.team_with_sites_and_history(pk)
    except Team.DoesNotExist as exc:
        raise Http404("No such team") from exc
    return render(request, "accounts/administration/team_detail.html", {"team": team})


def _team_page(team, title, submit, **extra):
    back = reverse("accounts:admin_team_detail", args=[team.pk])
    return {"title": title, "caption": team.name, "submit": submit, "back": back, **extra}


@require_http_methods(["GET", "POST"])
def team_rename(request, pk):
    require(request, Action.CHANGE, Kind.TEAMS)
    team = _load(Team, pk)
    form = RenameForm(posted(request), initial={"version": team.version, "name": team.name})
    return _change_page(
        request,
        form,
        lambda data: services.team_rename(
            team=team,
            by=request.user,
            name=data["name"],
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        done=reverse("accounts:admin_team_detail", args=[team.pk]),
        success="Team renamed",
        page=_team_page(team, "Rename team", "Rename"),
    )


@require_http_methods(["GET", "POST"])
def team_bank_holidays(request, pk):
    require(request, Action.CHANGE, Kind.TEAMS)
    team = _load(Team, pk)
    form = TeamBankHolidaysForm(
        posted(request), initial={"version": team.version, "bank_holidays": team.bank_holidays}
    )
    return _change_page(
        request,
        form,
        lambda data: services.team_set_bank_holidays(
            team=team,
            by=request.user,
            bank_holidays=data["bank_holidays"],
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        done=reverse("accounts:admin_team_detail", args=[team.pk]),
        success="Bank holidays changed",
        page=_team_page(team, "Change the team's bank holidays", "Save"),
    )


@require_http_methods(["GET", "POST"])
def team_active(request, pk):
    require(request, Action.CHANGE, Kind.TEAMS)
    team = _load(Team, pk)
    active = not team.is_active
    form = ReasonForm(posted(request), initial={"version": team.version})
    return _change_page(
        request,
        form,
        lambda data: services.team_set_active(
            team=team,
            by=request.user,
            active=active,
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        done=reverse("accounts:admin_team_detail", args=[team.pk]),
        success="Team reactivated" if active else "Team deactivated",
        page=_team_page(
            team,
            "Reactivate team" if active else "Deactivate team",
            "Reactivate" if active else "Deactivate",
            warning=not active,
        ),
    )


@require_http_methods(["GET", "POST"])
def site_create(request, pk):
    require(request, Action.CREATE, Kind.TEAMS)
    team = _load(Team, pk)
    form = SiteCreateForm(posted(request))
    return _change_page(
        request,
        form,
        lambda data: services.site_create(team=team, by=request.user, request=request, **data),
        done=reverse("accounts:admin_team_detail", args=[team.pk]),
        success="Site added",
        page=_team_page(team, "Add a site", "Add site"),
    )


def _site_change(request, pk, site_pk, *, form_class, call, success, title, submit, **extra):
    require(request, Action.CHANGE, Kind.TEAMS)
    try:
        site = Site.objects.select_related("team").get(pk=site_pk, team_id=pk)
    except Site.DoesNotExist as exc:
        raise Http404("No such site") from exc
    form = form_class(posted(request), initial={"version": site.version, "name": site.name})
    return _change_page(
        request,
        form,
        lambda data: call(site, data),
        done=reverse("accounts:admin_team_detail", args=[site.team_id]),
        success=success,
        page=_team_page(site.team, title, submit, site=site, **extra),
    )


@require_http_methods(["GET", "POST"])
def site_rename(request, pk, site_pk):
    return _site_change(
        request,
        pk,
        site_pk,
        form_class=RenameForm,
        call=lambda site, data: services.site_rename(
            site=site,
            by=request.user,
            name=data["name"],
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        success="Site renamed",
        title="Rename site",
        submit="Rename",
    )


@require_http_methods(["GET", "POST"])
def site_active(request, pk, site_pk):
    require(request, Action.CHANGE, Kind.TEAMS)
    site = _load(Site, site_pk)
    active = not site.is_active
    return _site_change(
        request,
        pk,
        site_pk,
        form_class=ReasonForm,
        call=lambda site, data: services.site_set_active(
            site=site,
            by=request.user,
            active=active,
            reason=data["reason"],
            expected_version=data["version"],
            request=request,
        ),
        success="Site reactivated" if active else "Site deactivated",
        title="Reactivate site" if active else "Deactivate site",
        submit="Reactivate" if active else "Deactivate",
        warning=not active,
    )
