"""The SQL of each page, captured in-process (Django's test Client), and "the floor": the
same SELECT statements re-run directly with psycopg2 and timed."""

import statistics
import time

from .helpers import Page, log, replayable


def capture_queries(page: Page, user, password: str) -> list[list[str]]:
    """The SQL each of the page's first paths runs, requested in-process (test Client)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    captured = []
    client = Client()
    if page.method == "POST":
        with CaptureQueriesContext(connection) as queries:
            client.post(page.paths[0], {"username": user.username, "password": password})
        return [[q["sql"] for q in queries.captured_queries]]
    client.force_login(user)
    client.get(page.paths[0])  # warm caches (content types, site settings...)
    for path in page.paths[:3]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: {path} answered HTTP {response.status_code} in-process")
        captured.append([q["sql"] for q in queries.captured_queries])
    return captured


def time_floor(database_url: str, statements: list[str], repeat: int, explain: bool = False):
    """p50 in ms of running the page's SELECTs directly with psycopg2.

    With `explain`, also prints the slowest statements (to find what to index or reshape).
    """
    import psycopg2

    selects = [sql for sql in statements if replayable(sql)]
    connection = psycopg2.connect(database_url)
    connection.autocommit = True
    samples = []
    per_statement = [[] for _ in selects]
    try:
        with connection.cursor() as cursor:
            for _ in range(repeat + 2):
                started = time.perf_counter()
                for index, sql in enumerate(selects):
                    begun = time.perf_counter()
                    cursor.execute(sql)
                    cursor.fetchall()
                    per_statement[index].append((time.perf_counter() - begun) * 1000)
                samples.append((time.perf_counter() - started) * 1000)
    finally:
        connection.close()
    if explain:
        slowest = sorted(
            ((statistics.median(t), sql) for t, sql in zip(per_statement, selects, strict=True)),
            reverse=True,
        )
        for ms, sql in slowest[:3]:
            log(f"    {ms:8.1f} ms  {sql[:600]}")
    return statistics.median(samples[2:])


def capture_queries_for(page: Page, users, password) -> list[list[str]]:
    if page.terms:
        return capture_search(page, users[page.user])
    return capture_queries(page, users[page.user], password)


def capture_search(page: Page, user) -> list[list[str]]:
    """Searches are posted (terms never go in a URL): post each, capture the results page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    captured = []
    for term in page.terms[:3]:
        response = client.post(reverse("referrals:referral_list"), {"q": term})
        if response.status_code != 302:
            raise SystemExit(f"{page.name}: the search answered HTTP {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(response["Location"])
        if response.status_code != 200:
            raise SystemExit(f"{page.name}: results answered HTTP {response.status_code}")
        captured.append([q["sql"] for q in queries.captured_queries])
    return captured
