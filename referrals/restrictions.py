"""Restricted records (probation's "limited access offender" rules; docs/security.md).

A person may have an exclusion list (named staff who must not see them, e.g. someone who
knows them) and a restriction list (once anyone is named, only the named staff may see
them). The access policy applies both to every kind of record about the person
(accounts.policy.scoped); this module says who is hidden from whom and keeps the lists.
"""

from django.db import IntegrityError, connections, router, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL

from accounts.audit import audit_record
from accounts.enums import AuditAction

from .enums import RecordAccessKind
from .models import Person, RecordAccess

EXCLUDED = "excluded"
RESTRICTED = "restricted"


def _hidden_people_query(user_id: int | None) -> QuerySet:
    allowed_here = RecordAccess.objects.filter(
        person_id=OuterRef("person_id"), user_id=user_id, kind=RecordAccessKind.ALLOWED
    )
    excluded = Q(kind=RecordAccessKind.EXCLUDED, user_id=user_id)
    restricted = Q(kind=RecordAccessKind.ALLOWED) & ~Q(Exists(allowed_here))
    # Unordered, as the ORM leaves a subquery (an ORDER BY inside it changes the plan)
    return RecordAccess.objects.filter(excluded | restricted).order_by().values("person_id")


# A value no user id takes, marking the parameters swapped for the user's id.
_PLACEHOLDER = -7_301_946_285
_HIDDEN_SQL: dict[tuple, tuple[str, tuple]] = {}


def hidden_people(user) -> QuerySet | RawSQL:
    """Ids of the people hidden from `user`: excluded by name, or restricted to named
    staff the user is not one of (a subquery: the policy excludes by it).

    Every query the policy scopes carries it (up to nine a page), so its SQL is compiled
    once per database and reused with the user's id: building and compiling the subquery
    each time took a fifth of the CPU of the person page, My work and the caseload."""
    if user.pk is None:  # no user: the ORM's own `user_id IS NULL`
        return _hidden_people_query(None)
    connection = connections[router.db_for_read(RecordAccess)]
    key = (connection.alias, connection.vendor)
    if key not in _HIDDEN_SQL:
        query = _hidden_people_query(_PLACEHOLDER).query
        sql, params = query.get_compiler(connection=connection).as_sql()
        if params.count(_PLACEHOLDER) != 2:  # pragma: no cover - Django compiles otherwise
            raise RuntimeError("The hidden people's subquery was not compiled as expected")
        _HIDDEN_SQL[key] = (sql, tuple(params))
    sql, params = _HIDDEN_SQL[key]
    params = tuple(user.pk if param == _PLACEHOLDER else param for param in params)
    return RawSQL(sql, params)  # noqa: S611 - the ORM's own SQL; only the user's id varies  # nosec B611


def hidden_reason(user, person_id: int) -> str | None:
    """Why the person is hidden from `user` ("excluded", "restricted"), or None."""
    entries = dict(RecordAccess.objects.filter(person_id=person_id).values_list("user_id", "kind"))
    if entries.get(user.pk) == RecordAccessKind.EXCLUDED:
        return EXCLUDED
    restricted = RecordAccessKind.ALLOWED in entries.values()
    if restricted and entries.get(user.pk) != RecordAccessKind.ALLOWED:
        return RESTRICTED
    return None


def hidden_pairs(pairs: set[tuple[int, int]]) -> set[tuple[int, int]]:
    """Of (user id, person id) pairs, those where the person is hidden from the user: for
    reminders, written in bulk (notifications.services.reminders_create)."""
    people = {person_id for _, person_id in pairs}
    entries: dict[int, dict[int, str]] = {}
    rows = RecordAccess.objects.filter(person_id__in=people)
    for person_id, user_id, kind in rows.values_list("person_id", "user_id", "kind"):
        entries.setdefault(person_id, {})[user_id] = kind
    hidden = set()
    for user_id, person_id in pairs:
        named = entries.get(person_id, {})
        restricted = RecordAccessKind.ALLOWED in named.values()
        kind = named.get(user_id)
        if kind == RecordAccessKind.EXCLUDED or (restricted and kind != RecordAccessKind.ALLOWED):
            hidden.add((user_id, person_id))
    return hidden


def access_entries(person: Person) -> dict[str, list[RecordAccess]]:
    rows = RecordAccess.objects.filter(person=person).select_related("user__team", "added_by")
    lists: dict[str, list[RecordAccess]] = {EXCLUDED: [], RecordAccessKind.ALLOWED: []}
    for row in rows:
        lists[row.kind].append(row)
    return lists


def _audit(person, *, by, detail, request):
    audit_record(
        action=AuditAction.CHANGE,
        user=by,
        object_type="referrals.person",
        object_id=str(person.pk),
        person_id=person.pk,
        detail=detail,
        request=request,
    )


def access_entry_add(*, person, user, kind, reason, by, request=None) -> bool:
    """Name `user` on the person's exclusion or restriction list; False if they already
    are on one (idempotent: a second submit adds nothing). Restricting a record names the
    one restricting it too, so they do not lock themselves out."""
    with transaction.atomic():
        if RecordAccess.objects.filter(person=person, user=user).exists():
            return False
        try:
            with transaction.atomic():
                RecordAccess.objects.create(
                    person=person, user=user, kind=kind, reason=reason, added_by=by
                )
        except IntegrityError:
            return False  # a concurrent add of the same user won
        _audit(person, by=by, detail=f"access {kind} user {user.pk} added", request=request)
        if kind == RecordAccessKind.ALLOWED and by.pk != user.pk:
            _, created = RecordAccess.objects.get_or_create(
                person=person,
                user=by,
                defaults={"kind": kind, "reason": reason, "added_by": by},
            )
            if created:
                _audit(person, by=by, detail=f"access {kind} user {by.pk} added", request=request)
    return True


def access_entry_remove(*, entry_id: int, person, by, request=None) -> bool:
    """Take an entry off the person's lists; False if it is already gone (idempotent)."""
    with transaction.atomic():
        entry = RecordAccess.objects.filter(pk=entry_id, person=person).first()
        if entry is None:
            return False
        entry.delete()
        detail = f"access {entry.kind} user {entry.user_id} removed"
        _audit(person, by=by, detail=detail, request=request)
    return True
