"""Set-based SQL for the fact builders (reporting.dashboard_facts): the database counts.

The aggregate queries are written with the ORM (so they run on SQLite and PostgreSQL
alike) and executed as ``INSERT INTO <fact table> SELECT ... FROM (<aggregate>)``: no row
is loaded into Python. Only quoted identifiers and Django-compiled SQL are formatted into
the statements; every value is a query parameter.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import DateField, F, Func, IntegerField, Q, QuerySet
from django.db.models.functions import TruncDate, TruncMonth


def month_of(field: str):
    return TruncMonth(TruncDate(field), output_field=DateField())


def within_target(done_field: str) -> Q:
    """`done_field` set no later than the referral's timeliness target (by its source)."""
    q = Q(pk__in=[])
    for source, hours in settings.LD_TIMELINESS_TARGET_HOURS.items():
        deadline = F("received_at") + timedelta(hours=hours)
        q |= Q(source=source, **{f"{done_field}__lte": deadline})
    return q


class WholeHoursBetween(Func):
    """Whole hours from `earlier` to `later` (rounded down): WholeHoursBetween(later, earlier)."""

    output_field = IntegerField()
    arity = 2

    def as_sql(self, compiler, connection, **extra):
        raise NotImplementedError(f"WholeHoursBetween has no SQL for {connection.vendor}")

    def as_postgresql(self, compiler, connection, **extra):
        return super().as_sql(
            compiler,
            connection,
            template="FLOOR(EXTRACT(EPOCH FROM (%(expressions)s)) / 3600)::integer",
            arg_joiner=" - ",
            **extra,
        )

    def as_sqlite(self, compiler, connection, **extra):
        # julianday() is fractional days: round to whole seconds before dividing.
        return super().as_sql(
            compiler,
            connection,
            template="(CAST(ROUND((julianday(%(expressions)s)) * 86400) AS INTEGER) / 3600)",
            arg_joiner=") - julianday(",
            **extra,
        )


def insert_aggregate(model, day: date, queryset: QuerySet, columns: dict[str, str]) -> int:
    """INSERT the aggregate rows of `queryset` as `day`'s rows of `model`.

    `columns` maps each fact column to the name the queryset selects it as.
    """
    inner_sql, inner_params = queryset.order_by().query.sql_with_params()
    qn = connection.ops.quote_name
    picks = ", ".join(f"agg.{qn(alias)}" for alias in columns.values())
    select = f"SELECT %s, {picks} FROM ({inner_sql}) agg"  # noqa: S608 - ORM-built SQL, quoted aliases  # nosec B608
    return insert_rows(model, ["snapshot_date", *columns.keys()], select, [day, *inner_params])


def insert_rows(model, fields: list[str], select_sql: str, params: list) -> int:
    """INSERT INTO the model's table the rows of `select_sql` (its columns in `fields` order).

    On PostgreSQL the SELECT first fills a temporary table: INSERT ... SELECT never runs
    in parallel there, CREATE TABLE ... AS SELECT does (both cores count the million rows).
    """
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    targets = ", ".join(qn(model._meta.get_field(f).column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(f"INSERT INTO {table} ({targets}) {select_sql}", params)  # noqa: S608
            return max(cursor.rowcount, 0)
        cursor.execute(f"CREATE TEMPORARY TABLE snapshot_rows ({targets}) AS {select_sql}", params)
        cursor.execute(f"INSERT INTO {table} ({targets}) SELECT * FROM snapshot_rows")  # noqa: S608 - quoted model names  # nosec B608
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE snapshot_rows")
        return max(inserted, 0)


def analyse(*models):
    """Refresh the planner's statistics: the dashboards' GROUP BY then hashes in memory."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
