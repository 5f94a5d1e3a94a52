"""PostgreSQL for the tests, emptied by DELETE instead of TRUNCATE (config/settings/test.py).

After each transactional test (the browser tests, the worker tests) Django empties every
table. Its PostgreSQL backend does that with one TRUNCATE of all 85 tables, which makes new
files for each table, index and TOAST table: 0.3 s on a quiet machine and over a second
under the suite's load, about 70 times a run. The few rows a test leaves are deleted in
0.03 s instead. Triggers are off while they are (session_replication_role = replica, for
the flush's own transaction only): the audit trail's refuses deletions, and the foreign
keys need no order. That setting needs a superuser (as CI's `postgres` is); for anyone
else the flush stays Django's TRUNCATE. Everything else is Django's backend unchanged.
"""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if not tables or reset_sequences or not self._superuser():
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # The flush command runs these in one transaction: SET LOCAL ends with it.
        return ["SET LOCAL session_replication_role = replica;"] + [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]

    def _superuser(self) -> bool:
        if not hasattr(self, "_is_superuser"):
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
                row = cursor.fetchone()
            self._is_superuser = bool(row and row[0])
        return self._is_superuser


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
