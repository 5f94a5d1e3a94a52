"""Changes administrators make to staff accounts, teams and sites.

Each change goes through `_apply_change`: one optimistic save (core.concurrency: a save
started from an old version is refused with StaleEditError, never merged), one history row
per thing changed (accounts.UserChange or TeamChange, with who, when, from, to and why)
and one audit entry per row. Audit details hold codes and ids only, never names.

An administrator cannot change their own role, team, active state or two-factor sign-in
(another administrator must), and superuser and staff status are never set here. A role or
team that gives clinical access, and a new or reactivated account with such a role, wait
for a second administrator (access_requests.py).
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.concurrency import save_if_current

from ..audit import audit_record
from ..enums import AccountChangeKind, AuditAction, Role
from ..models import Site, Team, TeamChange, User, UserChange
from ..policy import sees_clinical_records
from ..user_sessions import sessions_end

OWN_ACCOUNT_MESSAGE = (
    "You cannot change your own role, team, access or two-factor sign-in: ask another administrator"
)
NEEDS_APPROVAL_MESSAGE = (
    "This role sees people's records: the change needs another administrator's approval"
)
# Letters and digits that cannot be mistaken for one another when read out or copied.
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"  # noqa: S105 - an alphabet, not a password  # nosec B105


def refuses_own_account(user, by) -> bool:
    return user.pk == by.pk


def _refuse_own_account(user, by):
    if refuses_own_account(user, by):
        raise ValidationError(OWN_ACCOUNT_MESSAGE, code="own_account")


def _apply_change(obj, *, by, expected_version, fields, changes, reason, history, request):
    """Save `fields` of `obj` if nobody saved it since `expected_version`, then write one
    history row (`history(what=..., before=..., after=...)`) and one audit entry per
    change. `changes` is a list of (AccountChangeKind, before, after, audit detail)."""
    save_if_current(obj, expected_version=expected_version, update_fields=fields)
    for what, before, after, detail in changes:
        history(what=what, before=before, after=after, reason=reason, by=by)
        audit_record(action=AuditAction.CHANGE, user=by, obj=obj, detail=detail, request=request)


def _user_history(user):
    return lambda **row: UserChange.objects.create(user=user, **row)


def _team_history(team, site=None):
    return lambda **row: TeamChange.objects.create(team=team, site=site, **row)


# Users ------------------------------------------------------------------------------------


def temporary_password() -> str:
    """A random first password, in groups of four to read out: 'kq7M-x2Pd-9wTe-h4Ra'."""
    chars = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(16))
    return "-".join(chars[i : i + 4] for i in range(0, 16, 4))


@transaction.atomic
def user_create(*, by, reason, request=None, **fields):
    """Create an account (`fields`: username, first_name, last_name, email, role, team,
    job_title) whose role sees no one's records, active with a temporary password; returns
    (user, password). One whose role sees records is refused here: it is made inactive,
    waiting for a second administrator (access_requests.create_user).

    Side effects: a history row "Created" and an audit entry (role code and team id).
    The password is shown once to the administrator and never stored in clear.
    """
    password = temporary_password()
    user = add_user(by=by, fields=fields, reason=reason, password=password, request=request)
    return user, password


@transaction.atomic
def add_user(*, by, fields, reason, password, request=None):
    """Save a new account from `fields`: active with `password`, or with None inactive and
    with no password anyone could use (for access_requests.create_user, which activates it
    once a second administrator approves); an active one whose role sees records is
    refused. Side effects: a history row "Created" and an audit entry."""
    if password is not None and sees_clinical_records(fields["role"]):
        raise ValidationError(NEEDS_APPROVAL_MESSAGE, code="needs_approval")
    if User.objects.filter(username__iexact=fields["username"]).exists():
        raise ValidationError({"username": "A user with this username already exists"})
    user = User(**fields, is_active=password is not None)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    UserChange.objects.create(
        user=user,
        by=by,
        what=AccountChangeKind.CREATED,
        after=f"{Role(user.role).label}, {user.team or 'no team'}",
        reason=reason,
    )
    detail = f"user created: role {user.role}, team {user.team_id or '-'}"
    audit_record(
        action=AuditAction.CREATE,
        user=by,
        obj=user,
        detail=detail if user.is_active else f"{detail}, inactive until approved",
        request=request,
    )
    return user


def needs_approval(user, role, team) -> bool:
    """Does this change give clinical access: a role that sees people's records, or such a
    role in another team? Then a second administrator approves it (access_requests)."""
    changed = role != user.role or team != user.team
    return changed and sees_clinical_records(role)


@transaction.atomic
def user_change_role_and_team(*, user, by, role, team, reason, expected_version, request=None):
    """Give `user` another role and/or team that gives no clinical access (commissioner,
    administrator, or taking it away); one that gives it is refused here: it goes through
    access_requests.request_change and a second administrator's approval.

    Side effects: a history row and an audit entry for each of role and team that changed.
    Leaving the administrator role also takes away access to the Django admin (is_staff).
    """
    _refuse_own_account(user, by)
    if needs_approval(user, role, team):
        raise ValidationError(NEEDS_APPROVAL_MESSAGE, code="needs_approval")
    set_role_and_team(
        user=user,
        by=by,
        role=role,
        team=team,
        reason=reason,
        expected_version=expected_version,
        request=request,
    )


@transaction.atomic
def set_role_and_team(*, user, by, role, team, reason, expected_version, request=None):
    """Save the change with no approval check: for user_change_role_and_team (after its
    check) and access_requests.decide (after a second administrator approved)."""
    _refuse_own_account(user, by)
    changes = []
    if role != user.role:
        changes.append(
            (
                AccountChangeKind.ROLE,
                Role(user.role).label,
                Role(role).label,
                f"role {user.role} -> {role}",
            )
        )
    if team != user.team:
        changes.append(
            (
                AccountChangeKind.TEAM,
                str(user.team or ""),
                str(team or ""),
                f"team {user.team_id or '-'} -> {team.pk if team else '-'}",
            )
        )
    if not changes:
        raise ValidationError("Choose a different role or team, or cancel", code="unchanged")
    user.role, user.team = role, team
    fields = ["role", "team"]
    if role != Role.ADMINISTRATOR and user.is_staff:
        user.is_staff = False
        fields.append("is_staff")
    _apply_change(
        user,
        by=by,
        expected_version=expected_version,
        fields=fields,
        changes=changes,
        reason=reason,
        history=_user_history(user),
        request=request,
    )


def needs_approval_to_activate(user, active) -> bool:
    """Does reactivating `user` give clinical access back? Then a second administrator
    approves it (access_requests.set_active)."""
    return active and not user.is_active and sees_clinical_records(user.role)


@transaction.atomic
def user_set_active(*, user, by, active, reason, expected_version, request=None):
    """Deactivate `user`, or reactivate one whose role sees no one's records (one whose
    role does is refused here: access_requests.set_active asks a second administrator).

    Side effects: deactivating ends every session they are signed in with (so they are
    signed out at their next click); a history row and an audit entry.
    """
    _refuse_own_account(user, by)
    if user.is_active == active:
        state = "active" if active else "deactivated"
        raise ValidationError(f"This user is already {state}", code="unchanged")
    if needs_approval_to_activate(user, active):
        raise ValidationError(NEEDS_APPROVAL_MESSAGE, code="needs_approval")
    user.is_active = active
    ended = 0 if active else user_sessions_end(user)
    what = AccountChangeKind.REACTIVATED if active else AccountChangeKind.DEACTIVATED
    detail = "user reactivated" if active else f"user deactivated, {ended} sessions ended"
    _apply_change(
        user,
        by=by,
        expected_version=expected_version,
        fields=["is_active"],
        changes=[(what, "", "", detail)],
        reason=reason,
        history=_user_history(user),
        request=request,
    )
    return ended


@transaction.atomic
def activate(*, user, by, reason, expected_version, request=None):
    """Activate `user` with no approval check: for access_requests.decide, after a second
    administrator approved. An account that never had a password (a new one) gets a
    temporary password, returned to be shown once to that administrator; otherwise
    returns None. Side effects: a history row and an audit entry."""
    _refuse_own_account(user, by)
    password = None if user.has_usable_password() else temporary_password()
    user.is_active = True
    fields = ["is_active"]
    if password is None:
        change = (AccountChangeKind.REACTIVATED, "", "", "user reactivated")
    else:
        user.set_password(password)
        fields.append("password")
        change = (AccountChangeKind.ACTIVATED, "", "", "user activated, temporary password set")
    _apply_change(
        user,
        by=by,
        expected_version=expected_version,
        fields=fields,
        changes=[change],
        reason=reason,
        history=_user_history(user),
        request=request,
    )
    return password


@transaction.atomic
def user_set_two_factor_required(*, user, by, required, reason, expected_version, request=None):
    """Require (or stop requiring) two-factor sign-in for `user`, whatever their role's
    policy says; it applies from their next request, signed in already or not. Side effects: a history row and an
    audit entry."""
    _refuse_own_account(user, by)
    if user.two_factor_required == required:
        raise ValidationError("Nothing to change", code="unchanged")
    user.two_factor_required = required
    if required:
        what, detail = AccountChangeKind.TWO_FACTOR_REQUIRED, "two-factor required"
    else:
        what, detail = AccountChangeKind.TWO_FACTOR_NOT_REQUIRED, "two-factor not required"
    _apply_change(
        user,
        by=by,
        expected_version=expected_version,
        fields=["two_factor_required"],
        changes=[(what, "", "", detail)],
        reason=reason,
        history=_user_history(user),
        request=request,
    )


@transaction.atomic
def user_reset_two_factor(*, user, by, reason, expected_version, request=None):
    """Remove `user`'s authenticator apps (a lost or replaced phone): they set one up again
    at their next sign-in if they must use one.

    Side effects: their sessions end (a session verified with the old app must not go on);
    a history row and an audit entry.
    """
    _refuse_own_account(user, by)
    devices = TOTPDevice.objects.filter(user=user)
    if not devices.exists():
        raise ValidationError(
            "This user has no authenticator app set up: there is nothing to reset",
            code="unchanged",
        )
    devices.delete()
    ended = user_sessions_end(user)
    _apply_change(
        user,
        by=by,
        expected_version=expected_version,
        fields=["two_factor_required"],  # unchanged; the version still moves on
        changes=[
            (
                AccountChangeKind.TWO_FACTOR_RESET,
                "",
                "",
                f"two-factor reset, {ended} sessions ended",
            )
        ],
        reason=reason,
        history=_user_history(user),
        request=request,
    )


def user_sessions_end(user) -> int:
    """End every session signed in as `user` (accounts.user_sessions); returns how many."""
    return sessions_end(user)


def user_sessions_end_all(*, user, by, request=None) -> int:
    """An administrator ends all of `user`'s sessions (a lost laptop, a suspected misuse);
    returns how many. Side effects: the user is signed out everywhere at their next click;
    an audit entry (ids and the count only). Not one's own: "Your sessions" does that."""
    _refuse_own_account(user, by)
    ended = sessions_end(user)
    audit_record(
        action=AuditAction.SIGN_OUT,
        user=by,
        obj=user,
        detail=f"all sessions ended by an administrator: {ended}",
        request=request,
    )
    return ended


# Teams and sites --------------------------------------------------------------------------


def _refuse_taken_team_name(name, *, team=None):
    taken = Team.objects.filter(name__iexact=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise ValidationError({"name": "A team with this name already exists"})


def _refuse_taken_site_name(team, name, *, site=None):
    taken = team.sites.filter(name__iexact=name)
    if site is not None:
        taken = taken.exclude(pk=site.pk)
    if taken.exists():
        raise ValidationError({"name": "This team already has a site with this name"})


@transaction.atomic
def team_create(*, by, name, kind, request=None, **details):
    """Create a team (`details`: area, bank_holidays): a history row and an audit entry."""
    _refuse_taken_team_name(name)
    team = Team.objects.create(name=name, kind=kind, **details)
    TeamChange.objects.create(team=team, by=by, what=AccountChangeKind.CREATED, after=name)
    audit_record(
        action=AuditAction.CREATE,
        user=by,
        obj=team,
        detail=f"team created: {kind}",
        request=request,
    )
    return team


@transaction.atomic
def team_rename(*, team, by, name, reason, expected_version, request=None):
    """Rename a team. Side effects: a history row (old and new name) and an audit entry."""
    if name == team.name:
        raise ValidationError({"name": "Enter a different name, or cancel"})
    _refuse_taken_team_name(name, team=team)
    before, team.name = team.name, name
    _apply_change(
        team,
        by=by,
        expected_version=expected_version,
        fields=["name"],
        changes=[(AccountChangeKind.RENAMED, before, name, "team renamed")],
        reason=reason,
        history=_team_history(team),
        request=request,
    )


@transaction.atomic
def team_set_bank_holidays(*, team, by, bank_holidays, reason, expected_version, request=None):
    """Change whose bank holidays the team works to: a history row and an audit entry."""
    if bank_holidays == team.bank_holidays:
        raise ValidationError({"bank_holidays": "Choose different bank holidays, or cancel"})
    before, team.bank_holidays = team.get_bank_holidays_display(), bank_holidays
    change = (AccountChangeKind.BANK_HOLIDAYS, before, team.get_bank_holidays_display())
    _apply_change(
        team,
        by=by,
        expected_version=expected_version,
        fields=["bank_holidays"],
        changes=[(*change, f"team bank holidays: {bank_holidays}")],
        reason=reason,
        history=_team_history(team),
        request=request,
    )


@transaction.atomic
def team_set_active(*, team, by, active, reason, expected_version, request=None):
    """Deactivate a team (once no active user belongs to it) or reactivate it.
    Side effects: a history row and an audit entry."""
    if team.is_active == active:
        state = "active" if active else "deactivated"
        raise ValidationError(f"This team is already {state}", code="unchanged")
    people, clients = team.active_people_and_clients()
    if not active and (people or clients):
        raise ValidationError(
            f"Move or deactivate the team's {people} active user{'s' if people != 1 else ''} first"
            if people
            else "Revoke the team's API clients first (Administration > API clients)",
            code="has_members" if people else "has_api_clients",
        )
    team.is_active = active
    what = AccountChangeKind.REACTIVATED if active else AccountChangeKind.DEACTIVATED
    _apply_change(
        team,
        by=by,
        expected_version=expected_version,
        fields=["is_active"],
        changes=[(what, "", "", f"team {what}")],
        reason=reason,
        history=_team_history(team),
        request=request,
    )


@transaction.atomic
def site_create(*, team, by, name, kind, request=None):
    """Add a site to a team. Side effects: a history row on the team and an audit entry."""
    _refuse_taken_site_name(team, name)
    site = Site.objects.create(team=team, name=name, kind=kind)
    TeamChange.objects.create(
        team=team, site=site, by=by, what=AccountChangeKind.SITE_ADDED, after=name
    )
    audit_record(
        action=AuditAction.CREATE,
        user=by,
        obj=site,
        detail=f"site created: {kind}, team {team.pk}",
        request=request,
    )
    return site


@transaction.atomic
def site_rename(*, site, by, name, reason, expected_version, request=None):
    """Rename a site. Side effects: a history row on its team and an audit entry."""
    if name == site.name:
        raise ValidationError({"name": "Enter a different name, or cancel"})
    _refuse_taken_site_name(site.team, name, site=site)
    before, site.name = site.name, name
    _apply_change(
        site,
        by=by,
        expected_version=expected_version,
        fields=["name"],
        changes=[(AccountChangeKind.SITE_RENAMED, before, name, "site renamed")],
        reason=reason,
        history=_team_history(site.team, site),
        request=request,
    )


@transaction.atomic
def site_set_active(*, site, by, active, reason, expected_version, request=None):
    """Deactivate or reactivate a site. Side effects: a history row and an audit entry."""
    if site.is_active == active:
        state = "active" if active else "deactivated"
        raise ValidationError(f"This site is already {state}", code="unchanged")
    site.is_active = active
    what = AccountChangeKind.SITE_REACTIVATED if active else AccountChangeKind.SITE_DEACTIVATED
    _apply_change(
        site,
        by=by,
        expected_version=expected_version,
        fields=["is_active"],
        changes=[(what, site.name, "", f"{what}")],
        reason=reason,
        history=_team_history(site.team, site),
        request=request,
    )
