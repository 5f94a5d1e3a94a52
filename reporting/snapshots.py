"""Build one day's reporting snapshot: every fact table's rows for that day, replaced at once.

"As at the end of `day`" means: records received before the following London midnight
(`cutoff`), with their stage taken from their timestamps (screened_at, assessed_at,
closed_at) before the cutoff, so rebuilding an earlier day gives that day's figures. The
builders and what they count are in reporting.dashboard_facts; the schema in
reporting/models.py; the nightly run that calls `rebuild_day` in reporting.overnight.
"""

from datetime import date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from .dashboard_facts import BUILDERS
from .models import FACT_TABLES

SNAPSHOT_LOCK_KEY = 5_020_611  # any constant: serialises snapshot builds on PostgreSQL


def cutoff_for(day: date) -> datetime:
    """The London midnight that ends `day`, as an aware datetime."""
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


@transaction.atomic
def rebuild_day(day: date) -> int:
    """Replace `day`'s snapshot in every fact table; return the rows written."""
    cutoff = cutoff_for(day)
    if connection.vendor == "postgresql":
        # Two runs at once (a second beat, a manual command) take turns, so neither
        # inserts alongside the other's rows; SQLite serialises writers anyway.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SNAPSHOT_LOCK_KEY])
            # JIT compiling these wide CASE expressions costs more than it saves; the
            # sorts and hashes of a million rows fit in memory with a larger work_mem.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")
    for model in FACT_TABLES:
        model.objects.filter(snapshot_date=day).delete()
    return sum(build(day, cutoff) for build in BUILDERS)
