"""The app under load: gunicorn on a free port, demo users signed in with requests, and wrk
driving each page."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess  # runs manage.py, gunicorn and wrk with fixed arguments  # nosec B404
import sys
import tempfile
import time
from urllib.parse import urlsplit

from .data import ROOT
from .helpers import Page, log, lua_script, parse_wrk


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    port: int, workers: int, env, *, log_path: str | None = None, access_log: bool = False
) -> subprocess.Popen:
    """gunicorn as production runs it (the Dockerfile's command) on loopback `port`, in a
    session of its own (`stop` ends it with its workers), its output in `log_path` (a file
    in the temporary folder by default); returns once /healthz/ answers. SystemExit naming
    the log if it stops or does not answer within a minute. The one way the benchmark, the
    DAST scan (scripts/dast.py) and the two-process test start the app."""
    import requests

    command = [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"]
    command += ["--log-level", "warning", "--backlog", "2048"]
    command += ["--access-logfile", "-" if access_log else "/dev/null"]
    log_path = log_path or f"{tempfile.gettempdir()}/ld-gunicorn-{port}.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - the server writes it until it stops
    process = subprocess.Popen(  # noqa: S603 - fixed command, our own arguments  # nosec B603
        command, cwd=ROOT, env=env, start_new_session=True, stdout=log_file, stderr=log_file
    )
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn on port {port} stopped at start-up: see {log_path}")
            try:
                # A worker's first answer (imports, first connections) can take seconds on a
                # loaded machine: a slow answer is waited for again, like a refused one.
                if requests.get(f"http://127.0.0.1:{port}/healthz/", timeout=10).ok:
                    return process
            except requests.RequestException:
                time.sleep(0.3)
    except BaseException:
        stop(process)
        raise
    stop(process)
    raise SystemExit(f"gunicorn on port {port} did not answer within 60 seconds: see {log_path}")


def stop(process: subprocess.Popen):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def sign_in(base: str, username: str, password: str):
    import requests

    session = requests.Session()
    session.get(f"{base}/sign-in/", timeout=30)
    response = session.post(
        f"{base}/sign-in/",
        data={
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": f"{base}/sign-in/"},
        timeout=30,
        allow_redirects=False,
    )
    if response.status_code != 302 or "sessionid" not in session.cookies:
        raise SystemExit(f"Could not sign in as {username} (HTTP {response.status_code})")
    return session


def search_paths(base: str, session, terms: list[str]) -> list[str]:
    """Post each search (the terms never go in a URL) and keep the result pages' paths."""
    paths = []
    for term in terms:
        response = session.post(
            f"{base}/referrals/",
            data={"q": term, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
            headers={"Referer": f"{base}/referrals/"},
            allow_redirects=False,
            timeout=60,
        )
        if response.status_code != 302:
            raise SystemExit(f"Search for a term failed (HTTP {response.status_code})")
        location = urlsplit(response.headers["Location"])
        paths.append(f"{location.path}?{location.query}")
    return paths


def cookie_header(session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in session.cookies)


def check_paths(base: str, session, page: Page):
    """Every path must answer 200 (not a redirect to sign-in); otherwise skip the page."""
    for path in page.paths:
        response = session.get(base + path, allow_redirects=False, timeout=120)
        if response.status_code != 200:
            page.skipped = f"{path} answered HTTP {response.status_code}"
            log(f"NOT MEASURED: {page.name}: {page.skipped}")
            return


def wait_until_idle(base: str, limit_seconds: int = 300):
    """Let gunicorn finish the requests wrk left queued (e.g. slow sign-ins) before the next
    cell, so one page's backlog is not measured as the next page's latency."""
    import requests

    deadline = time.monotonic() + limit_seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with contextlib.suppress(requests.RequestException):
            requests.get(f"{base}/healthz/", timeout=limit_seconds)
        if time.perf_counter() - started < 0.1:
            return
        time.sleep(0.5)


def run_wrk(base: str, page: Page, cookie: str, connections: int, duration: int) -> dict:
    script = lua_script(page.paths, cookie=cookie, method=page.method, body=page.body)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        result = subprocess.run(  # noqa: S603 - fixed command, our own arguments  # nosec B603
            [
                shutil.which("wrk"),
                f"-t{min(connections, 2)}",
                f"-c{connections}",
                f"-d{duration}s",
                "--timeout",
                "30s",
                "-s",
                handle.name,
                base + page.paths[0],
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=duration + 120,
        )
    finally:
        os.unlink(handle.name)
    figures = parse_wrk(result.stdout)
    errors = sum(figures[k] for k in ("status_errors", "connect_errors", "read_errors", "timeouts"))
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["errors"] = errors
    return figures
