"""Queries compiled once (issue 20): a page's queries whose SQL differs only by the values
in it (the user's id and team, today's date) are built and compiled once per shape and
database, then run with the values swapped in; the ORM builds the rows as usual (model
instances, select_related, annotations, prefetch_related).

Building and compiling a query costs ~1.5 ms of CPU, running it a tenth of that: a page
of a dozen such queries spends more on making its SQL than on anything else. The shape of
a query must be fully named by its key; what varies is passed as values, which the builder
must use as given (a value derived from one inside the builder, such as `today + 14 days`,
would be compiled in as a constant). With `LD_CHECK_COMPILED_QUERIES` on (the tests'
settings) every run also builds and compiles the query afresh and fails loudly if its SQL
or parameters differ from the ones reused.
"""

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import QuerySet

_INT_BASE = -7_301_946_000  # ids no row takes


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet | None  # as built with the placeholders (model, prefetches)
    compiler: object
    sql: str
    params: tuple
    slots: tuple  # (position, value name, adapter) for each parameter swapped per run


_CACHE: dict[tuple, _Compiled] = {}


def _placeholder(index: int, value):
    if isinstance(value, bool) or value is None:
        raise TypeError("Booleans and None shape a query: put them in its key")
    if isinstance(value, int):
        return _INT_BASE - index
    if isinstance(value, datetime.datetime):
        return datetime.datetime(2, 1, 1 + index, 3, 5, 7, tzinfo=datetime.UTC)
    if isinstance(value, datetime.date):
        return datetime.date(3, 1, 1 + index)
    raise TypeError(f"No placeholder for a {type(value).__name__}")


def _same(value):
    return value


def _adapters(value, ops) -> list[Callable]:
    if isinstance(value, datetime.datetime):
        return [_same, ops.adapt_datetimefield_value]
    if isinstance(value, datetime.date):
        return [_same, ops.adapt_datefield_value, str]
    return [_same]


def _compile(queryset: QuerySet, connection) -> tuple[object, str, tuple]:
    compiler = queryset.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    return compiler, sql, tuple(params)


def _prepare(build: Callable[..., QuerySet], values: dict, connection) -> _Compiled:
    placeholders = {name: _placeholder(i, value) for i, (name, value) in enumerate(values.items())}
    queryset = build(**placeholders)
    try:
        compiler, sql, params = _compile(queryset, connection)
    except EmptyResultSet:
        return _Compiled(None, None, "", (), ())
    candidates = [
        (adapter(placeholder), name, adapter)
        for name, placeholder in placeholders.items()
        for adapter in _adapters(values[name], connection.ops)
    ]
    slots = []
    for position, param in enumerate(params):
        for adapted, name, adapter in candidates:
            if type(param) is type(adapted) and param == adapted:
                slots.append((position, name, adapter))
                break
    for name, placeholder in placeholders.items():
        if str(placeholder) in sql:
            raise RuntimeError(f"{name} was compiled into the SQL text, not a parameter")
    return _Compiled(queryset, compiler, sql, params, tuple(slots))


def _params(entry: _Compiled, values: dict) -> tuple:
    params = list(entry.params)
    for position, name, adapter in entry.slots:
        params[position] = adapter(values[name])
    return tuple(params)


class _Precompiled:
    """Stands in for the query of a QuerySet: hands its iterable the compiled SQL."""

    def __init__(self, compiler):
        self.compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self.compiler


def _run(entry: _Compiled, values: dict, connection) -> list:
    compiler = copy.copy(entry.compiler)
    compiler.connection = connection
    sql_and_params = (entry.sql, _params(entry, values))
    compiler.as_sql = lambda *args, **kwargs: sql_and_params
    template = entry.queryset
    queryset = QuerySet(model=template.model, query=_Precompiled(compiler), using=template.db)
    queryset._prefetch_related_lookups = template._prefetch_related_lookups
    return list(queryset)


def _check(entry: _Compiled, build: Callable[..., QuerySet], values: dict, connection) -> None:
    """The reused SQL and parameters are those the ORM makes of the values (tests)."""
    try:
        _, sql, params = _compile(build(**values), connection)
    except EmptyResultSet:
        sql, params = "", ()
    reused = (entry.sql, _params(entry, values) if entry.compiler else ())
    if (sql, params) != reused:
        raise AssertionError(
            f"Compiled query differs from the ORM's: {reused!r} != {(sql, params)!r}"
        )


def _entry(key: tuple, build: Callable[..., QuerySet], values: dict, connection) -> _Compiled:
    cache_key = (key, tuple(values), connection.alias, connection.vendor)
    entry = _CACHE.get(cache_key)
    if entry is None:
        entry = _CACHE[cache_key] = _prepare(build, values, connection)
    if getattr(settings, "LD_CHECK_COMPILED_QUERIES", False):
        _check(entry, build, values, connection)
    return entry


def compiled_count(key: tuple, build: Callable[..., QuerySet], **values) -> int:
    """The number of rows `build(**values)` returns (slice it to cap the count), compiled
    once as compiled_rows: the SQL the ORM's count() makes, SELECT COUNT(*) FROM (...)."""
    if any(value is None for value in values.values()):
        return build(**values).count()
    connection = connections[DEFAULT_DB_ALIAS]
    entry = _entry(("count", *key), build, values, connection)
    if entry.compiler is None:
        return 0
    with connection.cursor() as cursor:
        count_sql = f"SELECT COUNT(*) FROM ({entry.sql}) subquery"  # noqa: S608 - the ORM's SQL  # nosec B608
        cursor.execute(count_sql, _params(entry, values))
        return cursor.fetchone()[0]


def compiled_rows(key: tuple, build: Callable[..., QuerySet], **values) -> list:
    """The rows `build(**values)` returns, its SQL built and compiled once per `key` and
    database (with placeholders for the values) and reused with the values swapped in.

    `key` names everything else that shapes the query (role, flags, list name); values
    are ids, dates and datetimes. With a None among them the query is built as usual."""
    if any(value is None for value in values.values()):
        return list(build(**values))
    connection = connections[DEFAULT_DB_ALIAS]
    entry = _entry(key, build, values, connection)
    if entry.compiler is None:  # nothing can match (e.g. an empty `__in`)
        return []
    return _run(entry, values, connection)


def compiled_for_user(
    key: tuple, user, build: Callable[..., QuerySet], *, count: bool = False, **values
) -> list | int:
    """compiled_rows (compiled_count if `count`) for a query scoped to `user`
    (accounts.policy): `build(stand_in, **values)` is given a user of the same role whose
    id and team are the placeholders, so the scope's filters and the restricted records'
    subquery take the user's values."""

    def built(user_id, team_id, **rest):
        stand_in = get_user_model()(
            pk=user_id, team_id=team_id, role=user.role, is_active=user.is_active
        )
        return build(stand_in, **rest)

    key = (*key, user.role, user.is_active)
    run = compiled_count if count else compiled_rows
    return run(key, built, user_id=user.pk, team_id=user.team_id, **values)
