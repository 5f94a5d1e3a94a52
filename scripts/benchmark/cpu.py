"""CPU time spent serving a cell: gunicorn's workers and the PostgreSQL backends of the
benchmark's database, from /proc/<pid>/stat (utime + stime). Sampled through the cell, so a
process that ends during it (a backend replaced when CONN_MAX_AGE runs out) still counts up
to its last sample. CPU time is steadier than latency on a shared machine: other work slows
a request down but does not add to its CPU."""

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
PARALLEL_WORKER = re.compile(r"parallel worker for PID (\d+)")


def parse_stat(text: str) -> tuple[int, float]:
    """(parent pid, CPU seconds in user and system mode) from a /proc/<pid>/stat line; the
    command name, in parentheses, may itself hold spaces and parentheses."""
    fields = text.rsplit(")", 1)[1].split()
    # fields[0] is field 3 of proc(5) (state): ppid is field 4, utime 14, stime 15
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def _stat(pid: int) -> tuple[int, float] | None:
    try:
        return parse_stat((PROC / str(pid) / "stat").read_text())
    except (OSError, ValueError, IndexError):
        return None  # ended meanwhile


def _cmdline(pid: int) -> str:
    try:
        return (
            (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        )
    except OSError:
        return ""


def children(ppid: int) -> list[int]:
    pids = []
    for entry in PROC.iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) and stat[0] == ppid:
            pids.append(int(entry.name))
    return pids


def postgres_backends(postmaster: int, database: str, exclude: int | None = None) -> list[int]:
    """The backends connected to `database` (their title names it), with the parallel
    workers they started; not `exclude` (the benchmark's own connection)."""
    backends, workers = [], {}
    for pid in children(postmaster):
        title = _cmdline(pid)
        if (match := PARALLEL_WORKER.search(title)) is not None:
            workers[pid] = int(match.group(1))
        elif f" {database} " in title and pid != exclude:
            backends.append(pid)
    return backends + [pid for pid, leader in workers.items() if leader in backends]


class CpuMeter:
    """CPU seconds used by each group of processes (name -> function listing their pids)
    between start() and stop(); a process first seen after start() counts from zero."""

    def __init__(self, groups: dict[str, Callable[[], list[int]]], interval: float = 0.25):
        self.groups = groups
        self.interval = interval
        self.first: dict[str, dict[int, float]] = {name: {} for name in groups}
        self.last: dict[str, dict[int, float]] = {name: {} for name in groups}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self, *, baseline: bool = False):
        for name, pids in self.groups.items():
            for pid in pids():
                if (stat := _stat(pid)) is None:
                    continue
                self.first[name].setdefault(pid, stat[1] if baseline else 0.0)
                self.last[name][pid] = stat[1]

    def _run(self):
        while not self._stop.wait(self.interval):
            self._sample()

    def start(self) -> "CpuMeter":
        self._sample(baseline=True)
        self._thread.start()
        return self

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        self._sample()
        return {
            name: sum(cpu - self.first[name][pid] for pid, cpu in self.last[name].items())
            for name in self.groups
        }


def meter_for(gunicorn_pid: int, database: str) -> CpuMeter:
    """A meter of gunicorn's workers and, when PostgreSQL runs on this machine, the
    backends of `database`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    groups = {"web": lambda: children(gunicorn_pid)}
    own_stat = _stat(own)
    if own_stat is not None:  # the server is local: its backends are ours to read
        groups["postgres"] = lambda: postgres_backends(own_stat[0], database, exclude=own)
    return CpuMeter(groups)


def cpu_ms_per_request(seconds: dict[str, float], requests: int) -> dict[str, float | None]:
    """Each group's CPU milliseconds per request served (None when not measured)."""
    return {
        name: (seconds[name] * 1000 / requests if requests and name in seconds else None)
        for name in ("web", "postgres")
    }
