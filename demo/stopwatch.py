"""Where seeding's time goes: wall time, this process's CPU and, when PostgreSQL runs on
this machine, its backend's CPU, per step. On a shared machine other work stretches wall
time but adds little to CPU time, so a change to seeding is judged by the CPU columns."""

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
