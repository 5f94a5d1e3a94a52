"""The access policy: one declarative table of role x record kind x action -> scope.

Every view, export and task asks this module. A role with no entry for (kind, action)
is refused outright (403); a role with a scope sees only the records that scope selects,
and anything outside it is reported as not found (404) so its existence does not leak.

Scopes are turned into queryset filters by functions each domain app registers for its
own record kinds (see `register_scope` and the apps' `scopes.py`), so imports stay
one-way: accounts knows scope names, the apps know their own relations.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from .audit import audit_refusal
from .enums import Role


class Kind:
    PERSON = "person"
    REFERRAL = "referral"
    ASSESSMENT = "assessment"
    RECOMMENDATION = "recommendation"
    ORDER = "order"
    DASHBOARD = "dashboard"
    # The record-level return (reporting.return_*): one pseudonymous row per referral, a
    # disclosure of its own beside the dashboards' aggregates, so it is granted on its own.
    RECORD_RETURN = "record_return"
    AUDIT = "audit"
    # Staff user accounts (the administration screens, accounts.administration).
    ACCOUNTS = "accounts"
    # Teams and their sites: reference data the administrators keep.
    TEAMS = "teams"
    # A team's workload: figures per member (open referrals or active orders and what is
    # due), for whoever manages the team's work. Its scope TEAM means the user's own team.
    WORKLOAD = "workload"
    # The contact log's entries on a person (contact_log): seen by the author's team only
    # (TEAM for L&D, CASELOAD for probation; see contact_log/scopes.py).
    CONTACT = "contact"
    # The risk register's flags on a person (risks app). The person's L&D teams see the
    # whole flag, note included, and raise, review and remove flags; probation (caseload)
    # and providers see type, level, dates and review status, never the free text (issue
    # 14: "a flag is risk information, shared without clinical detail"; risks.selectors).
    RISK = "risk"
    # Files on a person's record (documents app). CHANGE is marking one recorded in error.
    DOCUMENT = "document"
    # How to reach the person (mobile, email, address, reminder consent: referrals'
    # PersonContact, issue 18). Whoever may change the person (their L&D teams) and the
    # probation officers of their orders, who book the appointments the reminders are about.
    PERSON_CONTACT = "person_contact"


class Action:
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    SIGN = "sign"
    EXPORT = "export"
    # Warnings, breach and ending an order: the supervising officer's; also the reoffending
    # follow-up of a referral once an order was made from it (before that, the L&D team's).
    ENFORCE = "enforce"
    # Giving an order to another responsible officer of its probation team, with a reason;
    # giving referrals to practitioners of the team.
    ALLOCATE = "allocate"
    # Moving an order to another probation team (and one of its officers), or a referral to
    # another L&D team: decided by the holding team's side; the receiver is told through
    # their inbox.
    TRANSFER = "transfer"
    # Who else may see a person: the exclusion and restriction lists ("Access to this
    # record", referrals.restrictions). The team lead of a team holding the person.
    RESTRICT = "restrict"


class Scope:
    ALL = "all"  # every record of the kind
    TEAM = "team"  # records of the user's own L&D team (for WORKLOAD: their own team)
    CASELOAD = "caseload"  # orders supervised by the user's probation team
    CASELOAD_CONSENTED = "caseload_consented"  # ... and only where the person consented to share
    PROVIDER = "provider"  # orders for which the user's team is the named provider
    AGGREGATE = "aggregate"  # figures with disclosure control, never rows


_LD = {
    Kind.PERSON: {Action.VIEW: Scope.TEAM, Action.CREATE: Scope.TEAM, Action.CHANGE: Scope.TEAM},
    Kind.REFERRAL: {Action.VIEW: Scope.TEAM, Action.CREATE: Scope.TEAM, Action.CHANGE: Scope.TEAM},
    Kind.ASSESSMENT: {
        Action.VIEW: Scope.TEAM,
        Action.CREATE: Scope.TEAM,
        Action.CHANGE: Scope.TEAM,
        Action.SIGN: Scope.TEAM,
    },
    Kind.RECOMMENDATION: {
        Action.VIEW: Scope.TEAM,
        Action.CREATE: Scope.TEAM,
        Action.CHANGE: Scope.TEAM,
    },
    Kind.ORDER: {Action.VIEW: Scope.TEAM, Action.CREATE: Scope.TEAM},
    Kind.CONTACT: {Action.VIEW: Scope.TEAM, Action.CREATE: Scope.TEAM, Action.CHANGE: Scope.TEAM},
    Kind.RISK: {Action.VIEW: Scope.TEAM, Action.CREATE: Scope.TEAM, Action.CHANGE: Scope.TEAM},
    Kind.DOCUMENT: {Action.VIEW: Scope.TEAM, Action.CREATE: Scope.TEAM, Action.CHANGE: Scope.TEAM},
    Kind.PERSON_CONTACT: {Action.VIEW: Scope.TEAM, Action.CHANGE: Scope.TEAM},
}

POLICY: dict[str, dict[str, dict[str, str]]] = {
    Role.PRACTITIONER: _LD,
    Role.TEAM_LEAD: {
        **_LD,
        Kind.PERSON: {**_LD[Kind.PERSON], Action.EXPORT: Scope.TEAM, Action.RESTRICT: Scope.TEAM},
        # Allocating referrals to the team's practitioners, several at once from the list.
        Kind.REFERRAL: {
            **_LD[Kind.REFERRAL],
            Action.EXPORT: Scope.TEAM,
            Action.ALLOCATE: Scope.TEAM,
            # Moving an open referral of the team to another L&D team (with a reason).
            Action.TRANSFER: Scope.TEAM,
        },
        Kind.DASHBOARD: {Action.VIEW: Scope.TEAM, Action.EXPORT: Scope.TEAM},
        Kind.RECORD_RETURN: {Action.EXPORT: Scope.TEAM},
        Kind.WORKLOAD: {Action.VIEW: Scope.TEAM},
    },
    Role.PROBATION_OFFICER: {
        Kind.PERSON: {Action.VIEW: Scope.CASELOAD},
        Kind.RISK: {Action.VIEW: Scope.CASELOAD},
        Kind.ASSESSMENT: {Action.VIEW: Scope.CASELOAD_CONSENTED},
        Kind.RECOMMENDATION: {Action.VIEW: Scope.CASELOAD_CONSENTED},
        # Documents of its orders: court papers and PSRs; health documents only with the
        # person's consent to share on that referral (documents/scopes.py).
        Kind.DOCUMENT: {Action.VIEW: Scope.CASELOAD_CONSENTED},
        Kind.ORDER: {
            Action.VIEW: Scope.CASELOAD,
            Action.CHANGE: Scope.CASELOAD,
            Action.ENFORCE: Scope.CASELOAD,
            # There is no probation team-lead role: any officer of the supervising team
            # may hand an order over (policy decision flagged on issue 13).
            Action.ALLOCATE: Scope.CASELOAD,
            Action.TRANSFER: Scope.CASELOAD,
        },
        Kind.CONTACT: {
            Action.VIEW: Scope.CASELOAD,
            Action.CREATE: Scope.CASELOAD,
            Action.CHANGE: Scope.CASELOAD,
        },
        Kind.PERSON_CONTACT: {Action.VIEW: Scope.CASELOAD, Action.CHANGE: Scope.CASELOAD},
    },
    Role.PROVIDER_CLINICIAN: {
        Kind.PERSON: {Action.VIEW: Scope.PROVIDER},
        # A clinician who meets the person needs to know of a risk to staff or others.
        Kind.RISK: {Action.VIEW: Scope.PROVIDER},
        Kind.ORDER: {Action.VIEW: Scope.PROVIDER, Action.CHANGE: Scope.PROVIDER},
    },
    Role.COMMISSIONER: {
        Kind.DASHBOARD: {Action.VIEW: Scope.AGGREGATE, Action.EXPORT: Scope.AGGREGATE},
        Kind.RECORD_RETURN: {Action.EXPORT: Scope.AGGREGATE},
    },
    Role.ADMINISTRATOR: {
        Kind.ACCOUNTS: {Action.VIEW: Scope.ALL, Action.CREATE: Scope.ALL, Action.CHANGE: Scope.ALL},
        Kind.TEAMS: {Action.VIEW: Scope.ALL, Action.CREATE: Scope.ALL, Action.CHANGE: Scope.ALL},
        Kind.AUDIT: {Action.VIEW: Scope.ALL},
    },
}

# The kinds that hold a person's clinical or justice record (everything but figures,
# staff accounts, teams and the audit trail).
CLINICAL_KINDS = frozenset(
    {
        Kind.PERSON,
        Kind.REFERRAL,
        Kind.ASSESSMENT,
        Kind.RECOMMENDATION,
        Kind.ORDER,
        Kind.CONTACT,
        Kind.RISK,
        Kind.DOCUMENT,
        Kind.PERSON_CONTACT,
    }
)


def sees_clinical_records(role: str) -> bool:
    """Does `role` see any person's records (rows, not aggregate figures)?

    Read from POLICY, so a role given clinical access there needs a second administrator's
    approval to be granted (accounts.administration.access_requests) without another list.
    """
    return any(
        scope != Scope.AGGREGATE
        for kind, actions in POLICY.get(role, {}).items()
        if kind in CLINICAL_KINDS
        for scope in actions.values()
    )


ScopeFilter = Callable[[object], Q]
_SCOPE_FILTERS: dict[tuple[str, str], ScopeFilter] = {}


def register_scope(kind: str, scope: str):
    """Decorator: register the Q-builder that selects `kind` records within `scope` for a user."""

    def decorator(func: ScopeFilter) -> ScopeFilter:
        _SCOPE_FILTERS[(kind, scope)] = func
        return func

    return decorator


# Restricted records (docs/security.md): whatever a scope selects, a person hidden from the
# user (excluded by name, or restricted to named staff the user is not one of) is removed
# from every kind of record about them. referrals registers which people are hidden
# (`register_hidden_people`); each app registers where its kinds hold the person's id.
HiddenPeople = Callable[[object], QuerySet]
HiddenReason = Callable[[object, int], str | None]
_PERSON_PATHS: dict[str, str] = {}
_hidden: dict[str, Callable] = {}


def register_person_path(kind: str, path: str) -> None:
    """Where a `kind` record holds its person's id ("pk" for the person, "person_id"...)."""
    _PERSON_PATHS[kind] = path


def register_hidden_people(people: HiddenPeople, reason: HiddenReason) -> None:
    """Register `people(user)`, the ids of people hidden from a user, and `reason(user,
    person_id)`, why one is ("excluded", "restricted") or None."""
    _hidden.update(people=people, reason=reason)


def person_path(kind: str) -> str | None:
    return _PERSON_PATHS.get(kind)


def _without_hidden_people(user, kind: str, queryset: QuerySet) -> QuerySet:
    path = _PERSON_PATHS.get(kind)
    if path is None or not _hidden:
        return queryset
    return queryset.exclude(**{f"{path}__in": _hidden["people"](user)})


def _hidden_reason(user, kind: str, in_scope: QuerySet) -> str | None:
    """Why a record the scope selects is hidden from `user` by a restriction, or None."""
    path = _PERSON_PATHS.get(kind)
    if path is None or not _hidden:
        return None
    person_id = in_scope.values_list(path, flat=True).first()
    return None if person_id is None else _hidden["reason"](user, person_id)


def scope_for(user, action: str, kind: str) -> str | None:
    """The scope `user` has for `action` on `kind`, or None when the role may not."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    return POLICY.get(user.role, {}).get(kind, {}).get(action)


def permits(user, action: str, kind: str) -> bool:
    return scope_for(user, action, kind) is not None


def _in_scope(user, action: str, kind: str, queryset: QuerySet) -> QuerySet:
    """`queryset` filtered by the user's scope alone (restrictions not yet applied)."""
    scope = scope_for(user, action, kind)
    if scope is None:
        return queryset.none()
    if scope == Scope.ALL:
        return queryset
    if (kind, scope) not in _SCOPE_FILTERS:
        raise LookupError(f"No scope filter registered for {kind}/{scope}")
    if user.team_id is None:
        return queryset.none()
    return queryset.filter(_SCOPE_FILTERS[(kind, scope)](user))


def scoped(user, action: str, kind: str, queryset: QuerySet) -> QuerySet:
    """Filter `queryset` to the records `user` may `action`; empty when refused.

    The one place restricted records are applied: a person hidden from the user and
    everything about them is left out, whatever the scope.
    """
    return _without_hidden_people(user, kind, _in_scope(user, action, kind, queryset))


def may(user, action: str, kind: str, obj) -> bool:
    """May `user` do `action` on this particular record?"""
    if not permits(user, action, kind):
        return False
    return scoped(user, action, kind, type(obj)._default_manager.all()).filter(pk=obj.pk).exists()


def require(request, action: str, kind: str) -> str:
    """Refuse with 403 (and an audit entry) unless the role may `action` some `kind` records."""
    scope = scope_for(request.user, action, kind)
    if scope is None:
        audit_refusal(request, f"{action} {kind}")
        raise PermissionDenied(f"Your role cannot {action} {kind} records.")
    return scope


def get_for_user_or_404(request, action: str, kind: str, queryset: QuerySet, **lookup):
    """Load one record through the policy: 403 if the role may not, 404 if out of scope."""
    require(request, action, kind)
    try:
        return scoped(request.user, action, kind, queryset).get(**lookup)
    except queryset.model.DoesNotExist as exc:
        # The same 404 as out of scope, so a restriction does not leak; the trail says why.
        in_scope = _in_scope(request.user, action, kind, queryset).filter(**lookup)
        reason = _hidden_reason(request.user, kind, in_scope)
        audit_refusal(request, f"{action} {kind} {reason or 'out of scope or missing'}")
        raise Http404("No such record, or it is outside your caseload.") from exc
