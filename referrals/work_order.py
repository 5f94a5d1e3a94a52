"""Most urgent first, stored: the three keys My work's queues and the referral list's "Most
urgent first" sort by (selectors.most_urgent_order), kept on each referral.

Why stored: computed at each query, the order was worked out for every row of a team's
backlog before the first ten could be shown (a person-at-risk probe per row, the decided
urgency, a target per source from the settings). With a 64,000-referral backlog each of
My work's queues took 0.7-5 s. Stored, each queue reads its first rows from a partial
index in that order (Referral.Meta.indexes, "*_urgent").

The keys, as pathway.py defines the order:
- `person_at_risk`: the person has a current urgent person marker
  (selectors.register_person_marker with urgent=True: the risk register's self-harm flag);
- `urgency_rank`: URGENCY_ORDER's rank of the urgency decided since intake (the screening's,
  selectors.register_decided_urgency), else of the referral's own (emergency 0);
- `due_at`: pathway.due_at: received_at plus the source's target
  (settings.LD_TIMELINESS_TARGET_HOURS) while the referral awaits screening or assessment,
  else NULL.

`refresh_work_order(referrals)` recomputes all three from the database in one UPDATE (it
never bumps a referral's version: nobody's edit goes stale because a flag was raised).
`refresh_work_order_of(pk=...)` / `(person_id=...)` is the same UPDATE for one referral or
one person's referrals, its SQL compiled once and reused (building the expressions took
~9 ms of CPU per call, the statement itself ~1 ms; every referral write pays it).
Whatever writes what they are computed from calls it in the same transaction: the referral
services (create, edit, status change), the screening (through its status change), a risk
flag raised or removed (every referral of the person), and demo seeding. The nightly
housekeeping (`repair_work_order`) recomputes rows that drifted, such as every awaiting
referral after the targets setting changed, and logs how many it found.
"""

import logging

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.sql import UpdateQuery

from .enums import AWAITING_STATUSES, ReferralSource
from .models import Referral
from .pathway import URGENCY_ORDER, timeliness_target
from .selectors import PERSON_MARKERS, URGENT_MARKERS, current_urgency
from .selectors.registry import order_registrations

logger = logging.getLogger(__name__)

WORK_ORDER_FIELDS = ("person_at_risk", "urgency_rank", "due_at")


def due_at_expression() -> Case:
    """pathway.due_at in SQL, from the referral's own columns and the settings now."""
    return Case(
        *(
            When(
                status__in=AWAITING_STATUSES,
                source=source,
                then=F("received_at") + Value(timeliness_target(source)),
            )
            for source in ReferralSource.values
        ),
        default=None,
        output_field=DateTimeField(),
    )


def _with_computed_keys(queryset: QuerySet) -> QuerySet:
    """`queryset` annotated with the keys as they should be: computed_at_risk,
    computed_rank, computed_due_at."""
    urgent = [name for name in PERSON_MARKERS if name in URGENT_MARKERS]
    queryset = queryset.annotate(
        **{f"_{name}": PERSON_MARKERS[name][1]("person") for name in urgent},
        _current_urgency=current_urgency(),
    )
    at_risk = Q()
    for name in urgent:
        at_risk |= Q(**{f"_{name}": True})
    return queryset.annotate(
        computed_at_risk=(
            ExpressionWrapper(at_risk, output_field=BooleanField()) if urgent else Value(False)
        ),
        computed_rank=Case(
            *(
                When(_current_urgency=value, then=Value(rank))
                for rank, value in enumerate(URGENCY_ORDER)
            ),
            default=Value(len(URGENCY_ORDER)),
            output_field=IntegerField(),
        ),
        computed_due_at=due_at_expression(),
    )


def _update_values() -> dict:
    computed = _with_computed_keys(Referral.objects.filter(pk=OuterRef("pk")))
    return {
        "person_at_risk": Subquery(computed.values("computed_at_risk")[:1]),
        "urgency_rank": Subquery(computed.values("computed_rank")[:1]),
        "due_at": due_at_expression(),
    }


def refresh_work_order(referrals: QuerySet) -> int:
    """Store each referral's keys as they are now (one UPDATE); the number of rows.

    On PostgreSQL the UPDATE joins the keys computed in one pass over the rows (the
    screening joined, the markers' subqueries hashed: stale_work_order's SELECT) instead
    of two correlated subqueries per row (100,000 referrals: 0.3 s of PostgreSQL CPU
    rather than about 4 s), and rewrites only the rows whose keys change: the number is
    of those. Elsewhere the portable UPDATE of refresh_work_order_of, of every row."""
    chosen = Referral.objects.filter(pk__in=referrals.values("pk"))
    connection = connections[referrals.db]
    if connection.vendor != "postgresql":
        return chosen.update(**_update_values())
    keys = _with_computed_keys(chosen).order_by()
    select, params = keys.values_list(
        "pk", "computed_at_risk", "computed_rank", "computed_due_at"
    ).query.sql_with_params()
    quote = connection.ops.quote_name
    table = quote(Referral._meta.db_table)
    columns = [quote(Referral._meta.get_field(name).column) for name in WORK_ORDER_FIELDS]
    assignments = ", ".join(
        f"{column} = keys.{name}" for column, name in zip(columns, WORK_ORDER_FIELDS, strict=True)
    )
    stored = ", ".join(f"{table}.{column}" for column in columns)
    pk = quote(Referral._meta.pk.column)
    with transaction.mark_for_rollback_on_error(using=referrals.db), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {assignments} FROM ({select}) "  # noqa: S608 - names from the model  # nosec B608
            f"AS keys(pk, {', '.join(WORK_ORDER_FIELDS)}) WHERE {table}.{pk} = keys.pk "
            f"AND ({stored}) IS DISTINCT FROM ({', '.join(f'keys.{n}' for n in WORK_ORDER_FIELDS)})",
            params,
        )
        return cursor.rowcount


# A value no referral or person id takes, marking the one parameter swapped per call.
_PLACEHOLDER = -7_301_946_285
_COMPILED: dict[tuple, tuple[str, list, int]] = {}


def _compiled_update(column: str, using: str) -> tuple[str, list, int]:
    """The UPDATE for the referrals whose `column` equals one value: its SQL, parameters and
    the index of that value's parameter; compiled once for each database, targets setting
    and set of registered markers and decided urgencies (what the SQL is built from)."""
    targets = tuple(sorted(settings.LD_TIMELINESS_TARGET_HOURS.items()))
    key = (using, connections[using].vendor, column, targets, order_registrations())
    if key not in _COMPILED:
        query = Referral.objects.filter(**{column: _PLACEHOLDER}).query.chain(UpdateQuery)
        query.add_update_values(_update_values())
        sql, params = query.get_compiler(using).as_sql()
        where = [i for i, param in enumerate(params) if param == _PLACEHOLDER]
        if len(where) != 1:  # pragma: no cover - a change in Django's compiler
            raise RuntimeError("The work-order UPDATE's parameters were not as expected")
        _COMPILED[key] = (sql, list(params), where[0])
    return _COMPILED[key]


def refresh_work_order_of(*, pk: int | None = None, person_id: int | None = None) -> int:
    """As refresh_work_order, for one referral (`pk`) or every referral of one person
    (`person_id`), from SQL compiled once; the number of rows."""
    if (pk is None) == (person_id is None):
        raise TypeError("Give either pk or person_id")
    column, value = ("pk", pk) if pk is not None else ("person_id", person_id)
    using = router.db_for_write(Referral)
    sql, params, where = _compiled_update(column, using)
    params = [*params[:where], value, *params[where + 1 :]]
    with (
        transaction.mark_for_rollback_on_error(using=using),
        connections[using].cursor() as cursor,
    ):
        cursor.execute(sql, params)
        return cursor.rowcount


def stale_work_order(referrals: QuerySet) -> QuerySet:
    """The referrals whose stored keys differ from what they should be now."""
    rows = _with_computed_keys(referrals)
    due_differs = (
        Q(due_at__isnull=True, computed_due_at__isnull=False)
        | Q(due_at__isnull=False, computed_due_at__isnull=True)
        | (Q(due_at__isnull=False, computed_due_at__isnull=False) & ~Q(due_at=F("computed_due_at")))
    )
    return rows.filter(
        due_differs | ~Q(urgency_rank=F("computed_rank")) | ~Q(person_at_risk=F("computed_at_risk"))
    )


def repair_work_order() -> int:
    """Nightly: recompute the referrals whose keys drifted; the number repaired.

    Drift is expected only after the targets setting changes (every awaiting referral's
    due_at moves) or after rows were written outside the services (a data fix by hand).
    """
    stale = list(stale_work_order(Referral.objects.all()).values_list("pk", flat=True))
    for start in range(0, len(stale), 5000):
        refresh_work_order(Referral.objects.filter(pk__in=stale[start : start + 5000]))
    if stale:
        logger.warning("Most urgent first: %d referrals' stored keys were stale", len(stale))
    return len(stale)
