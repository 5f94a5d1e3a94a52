"""Clinical access needs two administrators: one asks, another approves or rejects.

A role or team change that gives a role seeing people's records (accounts.policy.
sees_clinical_records) is kept as an AccessChangeRequest instead of being saved. So is a
new account with such a role (saved inactive, with no usable password) and the
reactivation of a deactivated one. Another active administrator, neither the one who asked
nor the user it is about, approves it (the change is saved, the account activated; a new
account's temporary password is shown to that administrator only) or rejects it (nothing
changes). Each step writes a row in the user's history (UserChange) and an audit entry with
ids and codes only. A decision taken on an old view of the request (someone decided it, or
the user's role, team or active state changed meanwhile) is refused, never applied.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.concurrency import StaleEditError, save_if_current

from ..audit import audit_record
from ..enums import AccessRequestKind, AccessRequestStatus, AccountChangeKind, AuditAction, Role
from ..models import AccessChangeRequest, User, UserChange
from ..policy import sees_clinical_records
from . import services

OWN_REQUEST_MESSAGE = "You asked for this change: another administrator must approve or reject it"
PENDING_MESSAGE = (
    "A change to this user's access is already waiting for approval: "
    "it must be approved or rejected first"
)
DECIDED_MESSAGE = (
    "Another administrator has already approved or rejected this request. "
    "Nothing has been changed: go back to the list to see what they decided"
)
USER_CHANGED_MESSAGE = (
    "This user's role or team has changed since the request was made, so it cannot be "
    "approved: reject it and ask again if the change is still needed"
)
ALREADY_ACTIVE_MESSAGE = (
    "This user's account has been activated since the request was made, so it cannot be "
    "approved: reject it"
)
# What each step writes in the user's history, by the request's kind.
_HISTORY = {
    True: {
        "requested": AccountChangeKind.ACTIVATION_REQUESTED,
        "approved": AccountChangeKind.ACTIVATION_APPROVED,
        "rejected": AccountChangeKind.ACTIVATION_REJECTED,
    },
    False: {
        "requested": AccountChangeKind.ACCESS_REQUESTED,
        "approved": AccountChangeKind.ACCESS_APPROVED,
        "rejected": AccountChangeKind.ACCESS_REJECTED,
    },
}


class RequestDecidedError(StaleEditError):
    """Deciding a request someone else has decided (answered 409 like a stale edit)."""

    def __init__(self, message=DECIDED_MESSAGE):
        ValidationError.__init__(self, message, code="stale")


def _detail(access_request, step) -> str:
    """Audit detail: ids and role codes only."""
    if access_request.activates:
        return (
            f"access request {access_request.pk} {step}: {access_request.kind}, role "
            f"{access_request.role}, team {access_request.team_id or '-'}"
        )
    return (
        f"access request {access_request.pk} {step}: role {access_request.from_role} -> "
        f"{access_request.role}, team {access_request.from_team_id or '-'} -> "
        f"{access_request.team_id or '-'}"
    )


def may_decide(access_request, by) -> bool:
    """Neither the administrator who asked nor the user the request is about may decide."""
    return by.pk not in (access_request.requested_by_id, access_request.user_id)


@transaction.atomic
def change_role_and_team(*, user, by, role, team, reason, expected_version, request=None):
    """The role-and-team screen's one call: a change giving clinical access becomes a
    request (returned); any other is saved now (returns None)."""
    if services.needs_approval(user, role, team):
        return request_change(
            user=user,
            by=by,
            role=role,
            team=team,
            reason=reason,
            expected_version=expected_version,
            request=request,
        )
    services.user_change_role_and_team(
        user=user,
        by=by,
        role=role,
        team=team,
        reason=reason,
        expected_version=expected_version,
        request=request,
    )
    return None


@transaction.atomic
def request_change(*, user, by, role, team, reason, expected_version, request=None):
    """Ask for `user` to get `role` and `team`; nothing about the user changes yet.

    Side effects: a history row "requested" and an audit entry. Refused for one's own
    account, from a stale page, and while another request for the user waits.
    """
    current = _locked_current(user, by, expected_version)
    return _open(
        user=current,
        by=by,
        kind=AccessRequestKind.ROLE_TEAM,
        role=role,
        team=team,
        reason=reason,
        request=request,
    )


@transaction.atomic
def create_user(*, by, reason, request=None, **fields):
    """The add-a-user screen's one call; returns (user, password, access request).

    A role that sees no one's records: the account is active at once and its temporary
    password returned (services.user_create), no request. One that does: the account is
    saved inactive with no usable password, and a request waits for a second
    administrator, who sees the password when approving (password None here).
    """
    if not sees_clinical_records(fields["role"]):
        user, password = services.user_create(by=by, reason=reason, request=request, **fields)
        return user, password, None
    user = services.add_user(by=by, fields=fields, reason=reason, password=None, request=request)
    access_request = _open(
        user=user,
        by=by,
        kind=AccessRequestKind.NEW_ACCOUNT,
        role=user.role,
        team=user.team,
        reason=reason,
        request=request,
    )
    return user, None, access_request


@transaction.atomic
def set_active(*, user, by, active, reason, expected_version, request=None):
    """The deactivate-or-reactivate screen's one call: reactivating a user whose role sees
    records becomes a request (returned); anything else is saved now (returns None)."""
    if not services.needs_approval_to_activate(user, active):
        services.user_set_active(
            user=user,
            by=by,
            active=active,
            reason=reason,
            expected_version=expected_version,
            request=request,
        )
        return None
    current = _locked_current(user, by, expected_version)
    return _open(
        user=current,
        by=by,
        kind=AccessRequestKind.REACTIVATION,
        role=current.role,
        team=current.team,
        reason=reason,
        request=request,
    )


def _locked_current(user, by, expected_version):
    """`user` locked for the request, refused for one's own account and a stale page."""
    if services.refuses_own_account(user, by):
        raise ValidationError(services.OWN_ACCOUNT_MESSAGE, code="own_account")
    current = User.objects.select_for_update().get(pk=user.pk)
    if current.version != expected_version:
        raise StaleEditError()
    return current


def _open(*, user, by, kind, role, team, reason, request):
    """Save a waiting request (one per user at a time), its history row and audit entry."""
    if AccessChangeRequest.objects.filter(user=user, status=AccessRequestStatus.PENDING).exists():
        raise ValidationError(PENDING_MESSAGE, code="pending")
    try:
        with transaction.atomic():
            access_request = AccessChangeRequest.objects.create(
                user=user,
                kind=kind,
                from_role=user.role,
                from_team=user.team,
                role=role,
                team=team,
                reason=reason,
                requested_by=by,
            )
    except IntegrityError as exc:  # another administrator asked at the same moment
        raise ValidationError(PENDING_MESSAGE, code="pending") from exc
    _history_and_audit(access_request, by=by, reason=reason, step="requested", request=request)
    return access_request


def _history_and_audit(access_request, *, by, reason, step, request):
    UserChange.objects.create(
        user=access_request.user,
        by=by,
        what=_HISTORY[access_request.activates][step],
        before=access_request.before,
        after=access_request.after,
        reason=reason,
    )
    audit_record(
        action=AuditAction.CHANGE,
        user=by,
        obj=access_request.user,
        detail=_detail(access_request, step),
        request=request,
    )


def _refuse_undecidable(access_request, by):
    if not (by.is_active and by.role == Role.ADMINISTRATOR):
        raise ValidationError("Only an administrator can decide this", code="not_admin")
    if by.pk == access_request.user_id:
        raise ValidationError(services.OWN_ACCOUNT_MESSAGE, code="own_account")
    if by.pk == access_request.requested_by_id:
        raise ValidationError(OWN_REQUEST_MESSAGE, code="own_request")


@transaction.atomic
def decide(*, access_request, by, approve, reason, expected_version, request=None):
    """Approve (the user's role and team change, or their account is activated, now) or
    reject (nothing changes). Returns the request; approving a new account also sets its
    `temporary_password` (not saved: for the approving administrator's page only).

    Side effects: approving writes the history rows and audit entries of the change
    itself; both write a history row "approved" or "rejected" and an audit entry. Refused
    for the requester and the user, and when the request was decided or the user's role,
    team or active state changed since it was made.
    """
    _refuse_undecidable(access_request, by)
    locked = AccessChangeRequest.objects.select_for_update().get(pk=access_request.pk)
    if locked.status != AccessRequestStatus.PENDING:
        raise RequestDecidedError()
    password = _apply(locked, by=by, request=request) if approve else None
    locked.status = AccessRequestStatus.APPROVED if approve else AccessRequestStatus.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_reason = by, timezone.now(), reason
    save_if_current(
        locked,
        expected_version=expected_version,
        update_fields=["status", "decided_by", "decided_at", "decision_reason"],
    )
    step = "approved" if approve else "rejected"
    _history_and_audit(locked, by=by, reason=reason, step=step, request=request)
    locked.temporary_password = password
    return locked


def _apply(access_request, *, by, request):
    """Make the asked-for change; returns a new account's temporary password, or None."""
    user = User.objects.select_for_update().get(pk=access_request.user_id)
    if (user.role, user.team_id) != (access_request.from_role, access_request.from_team_id):
        raise RequestDecidedError(USER_CHANGED_MESSAGE)
    if access_request.activates:
        if user.is_active:
            raise RequestDecidedError(ALREADY_ACTIVE_MESSAGE)
        return services.activate(
            user=user,
            by=by,
            reason=access_request.reason,
            expected_version=user.version,
            request=request,
        )
    services.set_role_and_team(
        user=user,
        by=by,
        role=access_request.role,
        team=access_request.team,
        reason=access_request.reason,
        expected_version=user.version,
        request=request,
    )
    return None
