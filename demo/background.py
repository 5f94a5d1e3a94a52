"""Statements sent on seeding's own database connection from a second thread, so that
PostgreSQL loads the rows just generated (COPY) and builds the indexes of tables already
loaded while this thread generates the next rows: PostgreSQL works in a process of its
own, and psycopg2 lets go of the GIL while it waits for it, so the two overlap on two
cores (seeding was Python then PostgreSQL, one after the other).

One rule keeps it safe: the connection never carries two statements at once (a statement
sent in the middle of a COPY hangs rather than fails). While a writer is active, every
statement this thread sends through Django first waits until the writer's queue is empty
(an execute wrapper), and the queue is emptied before the block ends, so before its
transaction commits or rolls back. The writer's statements run in the same transaction.
"""

import concurrent.futures
import contextlib
import io

import psycopg2.extensions
from django.db import DEFAULT_DB_ALIAS, connection, connections

_active: list["BackgroundWriter"] = []
COPY_PIECE = 4 * 1024 * 1024  # bytes of COPY data psycopg2 hands to libpq at a time
MAX_PENDING = 4  # statements queued at most (a COPY holds up to 50,000 rows: tens of MB)


class BackgroundWriter:
    """Sends statements on this thread's connection from one other thread, in the order
    they were given; `wait()` for them all (raising the first failure, as Django's
    exception for it)."""

    def __init__(self):
        # This thread's connection itself: `connection` would be the other thread's own.
        self._wrapper = connections[DEFAULT_DB_ALIAS]
        self._wrapper.ensure_connection()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        self._pending: list[concurrent.futures.Future] = []

    def execute(self, sql: str, text: str | None = None) -> None:
        """Queue a statement (a COPY ... FROM STDIN of `text`)."""
        # Encoded here: psycopg2 reads the data to send in pieces, each read needing the GIL,
        # which this thread holds while it generates rows (the other waits up to the switch
        # interval, 5 ms, for it): a few large pieces of bytes, ready to send.
        codec = psycopg2.extensions.encodings[self._wrapper.connection.encoding]
        data = None if text is None else io.BytesIO(text.encode(codec))
        # Memory stays bounded when rows come faster than PostgreSQL takes them (a million
        # referrals' history): wait for the oldest statements beyond a few.
        while len(self._pending) >= MAX_PENDING:
            self._pending.pop(0).result()
        self._pending.append(self._pool.submit(self._send, sql, data))

    def _send(self, sql: str, data) -> None:
        with self._wrapper.wrap_database_errors, self._wrapper.connection.cursor() as cursor:
            if data is None:
                cursor.execute(sql)
            else:
                cursor.copy_expert(sql, data, size=COPY_PIECE)

    def wait(self, *, quietly: bool = False) -> None:
        """Wait until every queued statement has run; raise the first failure unless
        `quietly` (when another exception is already on its way)."""
        pending, self._pending = self._pending, []
        failure = None
        for future in pending:
            try:
                future.result()
            except BaseException as error:  # noqa: BLE001 - kept to raise after all have run
                failure = failure or error
        if failure is not None and not quietly:
            raise failure

    def _before_each_statement(self, execute, sql, params, many, context):
        self.wait()
        return execute(sql, params, many, context)


def active() -> BackgroundWriter | None:
    """The writer of the enclosing writing_in_background() block, if any."""
    return _active[-1] if _active else None


@contextlib.contextmanager
def writing_in_background():
    """A BackgroundWriter for the block (the enclosing block's, when nested); None when
    not on PostgreSQL. Everything it was given has run when the block ends."""
    if active() is not None or connection.vendor != "postgresql":
        yield active()
        return
    writer = BackgroundWriter()
    _active.append(writer)
    try:
        with connection.execute_wrapper(writer._before_each_statement):
            yield writer
            writer.wait()
    except BaseException:
        writer.wait(quietly=True)
        raise
    finally:
        _active.pop()
        writer._pool.shutdown()
