"""Where seeding's time goes: wall time, this process's CPU and, when PostgreSQL runs on
this machine, its backend's CPU, per step. On a shared machine other work stretches wall
time but adds little to CPU time, so a change to seeding is judged by the CPU columns."""

import collections
import concurrent.futures
import os
import time
from dataclasses import dataclass
from pathlib import Path

from django.db import connection

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


@dataclass(frozen=True)
class Reading:
    wall: float
    cpu: float
    database_cpu: float | None

    def plus_database(self, seconds: float | None) -> "Reading":
        """This reading with another connection's PostgreSQL CPU seconds added."""
        if self.database_cpu is None or seconds is None:
            return Reading(self.wall, self.cpu, None)
        return Reading(self.wall, self.cpu, self.database_cpu + seconds)

    def __sub__(self, earlier: "Reading") -> "Reading":
        database = None
        if self.database_cpu is not None and earlier.database_cpu is not None:
            database = self.database_cpu - earlier.database_cpu
        return Reading(self.wall - earlier.wall, self.cpu - earlier.cpu, database)

    def __str__(self) -> str:
        text = f"{self.wall:.1f} s; CPU {self.cpu:.1f} s"
        if self.database_cpu is not None:
            text += f" + PostgreSQL {self.database_cpu:.1f} s"
        return text


def reading() -> Reading:
    return Reading(time.perf_counter(), time.process_time(), _backend_cpu())


def _backend_cpu() -> float | None:
    """CPU seconds of this connection's PostgreSQL backend, None when it cannot be read (not
    PostgreSQL, or a server on another machine)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def vacuum_analyze(workers: int = 2) -> float | None:
    """VACUUM ANALYZE every table of the schema, largest first, on `workers` connections at
    once; the CPU seconds of their backends (None when unreadable).

    After a bulk load, as autovacuum would do (and it may be off): statistics for the
    planner, the visibility map for index-only scans. PostgreSQL vacuums one table per
    backend, and seeding leaves the other core idle meanwhile.
    """
    vacuum = BackgroundVacuum(held_back=(), workers=workers)
    return vacuum.finish()


class BackgroundVacuum:
    """VACUUM ANALYZE every table but the `held_back` ones, largest first, on `workers`
    connections of their own while this one goes on working (seeding's last step); then,
    at finish(), the held-back tables too, on one more connection.

    Only tables that nothing writes meanwhile may be vacuumed early: rows added after the
    VACUUM would not be marked all-visible, nor counted by ANALYZE. VACUUM takes a lock
    that lets other sessions read and write the table but not alter it."""

    def __init__(self, *, held_back, workers: int = 1):
        held_back = set(held_back)
        tables = _tables_largest_first()
        self._held_back = [table for table in tables if table in held_back]
        self._queue = collections.deque(table for table in tables if table not in held_back)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers + 1)
        self._running = [self._pool.submit(_vacuum_each, self._queue) for _ in range(workers)]

    def finish(self) -> float | None:
        """Vacuum the held-back tables as well; wait for all; their backends' CPU seconds
        (None when unreadable)."""
        self._queue.extendleft(reversed(self._held_back))  # the largest first
        if self._held_back:
            self._running.append(self._pool.submit(_vacuum_each, self._queue))
        try:
            spent = [future.result() for future in self._running]
        finally:
            self._pool.shutdown()
        return None if None in spent else sum(spent)


def _tables_largest_first() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.oid::regclass::text FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'm') AND n.nspname = current_schema() "
            "ORDER BY pg_relation_size(c.oid) DESC, 1"
        )
        return [table for (table,) in cursor.fetchall()]


def _vacuum_each(tables: collections.deque) -> float | None:
    """Vacuum tables from the shared queue until it is empty, on this thread's own
    connection (Django's connections are per thread); its backend's CPU seconds."""
    try:
        with connection.cursor() as cursor:
            while True:
                try:
                    table = tables.popleft()
                except IndexError:
                    return _backend_cpu()
                cursor.execute(f"VACUUM ANALYZE {table}")  # a regclass name from pg_class
    finally:
        connection.close()
