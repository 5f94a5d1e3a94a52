"""Pure helpers of the benchmark (tested in tests/bench/), the measured page and the log."""

import json
import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit


def percentile(samples, fraction):
    """The nearest-rank percentile of `samples` (fraction 0..1)."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    index = min(len(ordered), max(1, math.ceil(fraction * len(ordered)))) - 1
    return ordered[index]


def database_url_for(base_url: str, referrals: int) -> str:
    """The benchmark's own database on the server of `base_url`: ld_bench_<referrals>."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/ld_bench_{referrals}"))


def replayable(sql: str) -> bool:
    """A captured statement the floor re-runs: reads only (no writes, no savepoints)."""
    head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
    return head in ("SELECT", "WITH") and not re.search(r"\bFOR UPDATE\b", sql, re.I)


def lua_script(paths: list[str], *, cookie: str, method: str = "GET", body: str = "") -> str:
    """A wrk script: rotate through `paths` with the session cookie; print JSON when done."""
    quoted = ", ".join(json.dumps(p) for p in paths)
    headers = {"Cookie": cookie, "Host": "127.0.0.1"}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    header_lines = "\n".join(f"  [{json.dumps(k)}] = {json.dumps(v)}," for k, v in headers.items())
    return f"""
local paths = {{{quoted}}}
local headers = {{
{header_lines}
}}
local body = {json.dumps(body) if body else "nil"}
local counter = 0
local thread_offset = 0
setup = function(thread) thread_offset = thread_offset + 1; thread:set("offset", thread_offset) end
request = function()
  counter = counter + 1
  local index = ((counter + (offset or 0) * 7) % #paths) + 1
  return wrk.format({json.dumps(method)}, paths[index], headers, body)
end
done = function(summary, latency, requests)
  io.write("BENCH_JSON ")
  io.write(string.format(
    '{{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "max_us": %d, ' ..
    '"status_errors": %d, "connect_errors": %d, "read_errors": %d, "timeouts": %d}}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency.max, summary.errors.status, summary.errors.connect, summary.errors.read,
    summary.errors.timeout))
end
"""


def parse_wrk(output: str) -> dict:
    for line in output.splitlines():
        if line.startswith("BENCH_JSON "):
            return json.loads(line[len("BENCH_JSON ") :])
    raise RuntimeError(f"wrk printed no result:\n{output}")


def markdown_table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def replace_section(document: str, key: str, content: str) -> str:
    """Put `content` between the markers for `key`, appending the section if it is new."""
    start, end = f"<!-- bench:{key}:start -->", f"<!-- bench:{key}:end -->"
    block = f"{start}\n{content.rstrip()}\n{end}"
    if start in document and end in document:
        before, rest = document.split(start, 1)
        return before + block + rest.split(end, 1)[1]
    anchor = "<!-- bench:results -->"
    if anchor in document:
        return document.replace(anchor, f"{anchor}\n\n{block}", 1)
    return document.rstrip() + "\n\n" + block + "\n"


@dataclass
class Page:
    name: str
    user: str  # demo username
    paths: list[str]
    method: str = "GET"
    body: str = ""
    terms: list[str] = field(default_factory=list)  # searches: posted, then results timed
    queries: list[int] = field(default_factory=list)
    floor_ms: float = float("nan")
    load: dict = field(default_factory=dict)  # concurrency -> wrk result
    skipped: str = ""


def log(message):
    print(message, flush=True)
