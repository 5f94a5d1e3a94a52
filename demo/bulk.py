"""Bulk loading for demo and benchmark data: COPY on PostgreSQL, bulk_create elsewhere.

Django's bulk_create spends most of its time building model instances and preparing each
value; seeding a million referrals' pathway (tens of millions of values) that way takes
over an hour. On PostgreSQL these helpers write rows with COPY instead, ids reserved from
the table's sequence up front so that rows referring to them can be built before writing.
On any other database (SQLite on a laptop) they fall back to bulk_create.

Rows are plain tuples of attribute values (`referral_id`, not `referral`). Every concrete
field a caller leaves out gets its default, and auto_now/auto_now_add fields get `now`, as
Model.save() would have given them.
"""

import contextlib
import functools
import io
import itertools
import json
import operator

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from demo import background

BATCH_SIZE = 2000
COPY_CHUNK = 50_000


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


@contextlib.contextmanager
def indexes_built_after(*models, filled_too: bool = False, foreign_keys: bool = True):
    """Load empty tables without maintaining their indexes and constraints row by row.

    On PostgreSQL, for each of `models` whose table is empty: drop its foreign keys, unique
    constraints and secondary indexes (not the primary key), and once the block is done
    create them again. That is PostgreSQL's advice for populating a database: building an
    index once is several times faster than updating it for every row, and one validating
    join per foreign key replaces a lookup (and row lock) per row. A table that already
    holds rows is left alone, unless `filled_too` (for an UPDATE of every row, as seeding's
    last step makes: it would otherwise write a new entry in each index for each row); with
    `foreign_keys=False` the foreign keys stay (such an UPDATE, changing no key, checks none
    of them, and validating each again costs a join over the table). Must run inside a
    transaction: if loading fails, the dropped constraints and indexes come
    back with the rollback.
    """
    if not is_postgresql():
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_built_after() must run inside transaction.atomic()")
    empty = [m._meta.db_table for m in models if filled_too or _is_empty(m)]
    if not empty:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        # A table with deferred foreign-key checks still pending cannot be altered: run the
        # checks now (Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so
        # deferring all of them again afterwards restores the transaction's behaviour).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        dropped = {table: _drop_indexes(cursor, table, foreign_keys) for table in empty}
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    _LOADING.append(dropped)
    try:
        with background.writing_in_background():  # COPY, and built(), while the next rows are made
            yield
    finally:
        _LOADING.remove(dropped)
    with connection.cursor() as cursor:
        for statement in _rebuilding(dropped.values()):
            cursor.execute(statement)


# The indexes and constraints each enclosing indexes_built_after() block has dropped, by
# table: what is left to build at its end.
_LOADING: list[dict[str, dict[str, list[str]]]] = []


def built(*models) -> None:
    """Build the indexes and constraints that the enclosing indexes_built_after() blocks
    dropped from `models`' tables now rather than at the block's end: their loading is
    over, and on PostgreSQL the builds run in the background (demo.background) while the
    next tables' rows are generated."""
    tables = {model._meta.db_table for model in models}
    statements = []
    for dropped in _LOADING:
        statements += [dropped.pop(table) for table in tables & dropped.keys()]
    writer = background.active()
    for statement in _rebuilding(statements) if statements else ():
        if writer is None:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        else:
            writer.execute(statement)


def _rebuilding(dropped) -> list[str]:
    """The statements that build again what _drop_indexes dropped (of several tables):
    indexes and unique constraints first, then the foreign keys that may rely on them,
    their checks run at once (deferred again after, as Django makes them)."""
    dropped = list(dropped)
    return [
        "SET CONSTRAINTS ALL IMMEDIATE",
        *(s for statements in dropped for s in statements["indexes"] + statements["unique"]),
        *(s for statements in dropped for s in statements["foreign_keys"]),
        "SET CONSTRAINTS ALL DEFERRED",
    ]


@contextlib.contextmanager
def indexes_built_once_after(model):
    """Over several transactions (seeding's steps): if `model`'s table is empty, drop its
    secondary indexes and unique constraints (not its foreign keys) first and build them
    once the block is over, whether it succeeded or failed. Yields whether it dropped them.

    For a table that a later step rewrites whole: seeding's last step updates every
    referral, so the referral table's 17 indexes were built once when it was loaded and
    again after the update. Meanwhile queries read the table without them (sequential
    scans, fine for seeding's few reads) and nothing checks its unique constraints (seeding
    writes unique values). Other tables' foreign keys to it stay: they rely on its primary key.
    """
    if not is_postgresql() or not _is_empty(model):
        yield False
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending checks: see above
        dropped = _drop_indexes(cursor, model._meta.db_table, foreign_keys=False)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    try:
        yield True
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in dropped["indexes"] + dropped["unique"]:
                cursor.execute(statement)


def _is_empty(model) -> bool:
    return not model._base_manager.exists()


def _drop_indexes(cursor, table: str, foreign_keys: bool = True) -> dict[str, list[str]]:
    """Drop a table's foreign keys (unless not `foreign_keys`), unique constraints and
    secondary indexes; return the statements that create them again. Indexes a foreign key
    elsewhere relies on stay."""
    quoted = connection.ops.quote_name(table)
    cursor.execute(
        """
        SELECT c.conname, c.contype, pg_get_constraintdef(c.oid)
        FROM pg_constraint c
        WHERE c.conrelid = %s::regclass AND (
            (c.contype = 'f' AND %s) OR (c.contype = 'u' AND NOT EXISTS (
                SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid
            ))
        )
        ORDER BY c.conname
        """,
        [table, foreign_keys],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """
        SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
        FROM pg_index i
        WHERE i.indrelid = %s::regclass AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
        ORDER BY 1
        """,
        [table],
    )
    indexes = cursor.fetchall()
    statements = {"foreign_keys": [], "unique": [], "indexes": []}
    for name, kind, definition in constraints:
        cursor.execute(f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        add = f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
        statements["foreign_keys" if kind == "f" else "unique"].append(add)
    for name, definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
        statements["indexes"].append(definition)
    return statements


def reserve_ids(model, count: int) -> list[int]:
    """`count` new primary keys for `model`, to give rows before they are written.

    PostgreSQL: taken from the table's sequence, so concurrent inserts never collide; in
    ascending order.
    Elsewhere: the next ones after the highest id (seeding is the only writer).
    """
    if count <= 0:
        return []
    meta = model._meta
    if is_postgresql():
        with connection.cursor() as cursor:
            # The sequence's name looked up once: nextval(pg_get_serial_sequence(...)) looked
            # it up again for every id (five times the cost of taking the id itself).
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [meta.db_table, meta.pk.column])
            params = [cursor.fetchone()[0], count]
            # Taken in one statement, the ids are consecutive unless another session took
            # some meanwhile: their bounds are enough, not a row per id. Otherwise take a
            # new set and read each (the first set is left unused: a gap, no harm).
            cursor.execute(_BOUNDS_OF_TAKEN_IDS, params)
            low, high = cursor.fetchone()
            if high - low + 1 == count:
                return list(range(low, high + 1))
            cursor.execute(_TAKE_IDS, params)
            return [pk for (pk,) in cursor.fetchall()]
    highest = model._base_manager.aggregate(m=Max("pk"))["m"] or 0
    return list(range(highest + 1, highest + 1 + count))


_TAKE_IDS = "SELECT nextval(%s::regclass) FROM generate_series(1, %s)"
_BOUNDS_OF_TAKEN_IDS = (
    "SELECT min(id), max(id) FROM (SELECT nextval(%s::regclass) "
    "FROM generate_series(1, %s)) AS taken(id)"
)


def with_ids(model, rows) -> list[tuple]:
    """Each row with a reserved id in front (reserve_ids), for rows that others refer to."""
    return [(pk, *row) for pk, row in zip(reserve_ids(model, len(rows)), rows, strict=True)]


def bulk_insert(model, objects: list, now=None) -> None:
    """Insert model instances, setting each one's pk (bulk_create, or COPY on PostgreSQL)."""
    if not objects:
        return
    if not is_postgresql():
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    now = now or timezone.now()
    for obj, pk in zip(objects, reserve_ids(model, len(objects)), strict=True):
        obj.pk = pk
    fields = model._meta.concrete_fields
    for obj in objects:
        for field in fields:
            if _is_stamped(field):
                setattr(obj, field.attname, now)
    attnames = [f.attname for f in fields]
    insert_rows(model, attnames, ([getattr(obj, a) for a in attnames] for obj in objects))


class PlainRow:
    """A row to write, as light as a model instance can be: its fields as attributes, each
    with the default a model instance would have been given. Seeding builds hundreds of
    thousands of people and referrals; a model instance costs several times as much to
    make (Model.__init__ goes through every field and its descriptor). Model methods that
    only read and set fields work on it too: `Person.refresh_search_names(row)`."""

    defaults: dict = {}

    def __init__(self, **values):
        self.__dict__.update(self.defaults)
        self.__dict__.update(values)

    @property
    def pk(self):
        return self.id


@functools.cache
def plain_row_class(model) -> type[PlainRow]:
    """A PlainRow class for `model`: id None, other fields their defaults (not the ones
    stamped with the time of writing, which insert_plain_rows gives)."""
    defaults = {"id": None}
    for field in model._meta.concrete_fields:
        if field.primary_key or _is_stamped(field):
            continue
        if field.has_default() and callable(field.default):  # not one value for every row
            raise TypeError(f"{model.__name__}.{field.name} has a callable default")
        defaults[field.attname] = field.get_default()
    return type(f"Plain{model.__name__}", (PlainRow,), {"defaults": defaults})


def insert_plain_rows(model, rows: list[PlainRow], now=None) -> None:
    """Write PlainRows of `model`, giving each its id (reserve_ids) first."""
    for row, pk in zip(rows, reserve_ids(model, len(rows)), strict=True):
        row.id = pk
    attnames = list(plain_row_class(model).defaults)
    insert_rows(model, attnames, map(operator.attrgetter(*attnames), rows), now=now)


def insert_rows(model, attnames: list[str], rows, *, now=None) -> int:
    """Insert value tuples in `attnames` order; return how many were written.

    `rows` may be a generator: it is consumed in chunks, so memory stays bounded. Include
    "id" in `attnames` (from reserve_ids) when other rows must refer to these.
    """
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    missing = [f for f in by_attname.values() if f.attname not in attnames and not f.primary_key]
    written = 0
    if not is_postgresql():
        for chunk in _chunks(rows, BATCH_SIZE):
            objects = [model(**dict(zip(attnames, row, strict=True))) for row in chunk]
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
            written += len(objects)
        return written
    now = now or timezone.now()
    fields = [by_attname[a] for a in attnames]
    defaults = [[now if _is_stamped(f) else f.get_default()] for f in missing]
    # The columns left out are the same on every line: encode them once.
    tail = "".join("\t" + encode_column(f, v)[0] for f, v in zip(missing, defaults, strict=True))
    columns = [f.column for f in fields + missing]
    for chunk in _chunks(rows, COPY_CHUNK):
        encoded = [
            encode_column(field, values)
            for field, values in zip(fields, zip(*chunk, strict=True), strict=True)
        ]
        lines = map("\t".join, zip(*encoded, strict=True))
        copy(model, columns, (tail + "\n").join(lines) + tail + "\n")
        written += len(chunk)
    return written


def copy(model, columns: list[str], text: str) -> None:
    """COPY lines in PostgreSQL's text format into `model`'s table."""
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    writer = background.active()
    if writer is not None:  # sent while the caller goes on (demo.background)
        writer.execute(sql, text)
        return
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.StringIO(text))


NULL = "\\N"
# Columns whose values never hold a tab, newline or backslash once written as text.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "SmallAutoField",
    "IntegerField",
    "BigIntegerField",
    "SmallIntegerField",
    "PositiveIntegerField",
    "PositiveBigIntegerField",
    "PositiveSmallIntegerField",
    "DateField",
    "DateTimeField",
    "FloatField",
    "DecimalField",
}


def encode_column(field, values) -> list[str]:
    """One column's values in PostgreSQL's COPY text format.

    Column by column rather than value by value: a comprehension per column costs a
    fraction of a function call per value, which dominates at millions of rows. Booleans
    are t/f, dates and times ISO 8601 (str() of a date or an aware datetime), JSONField
    values JSON, ArrayField values array literals, anything else its str().
    """
    kind = field.get_internal_type()
    if kind == "ForeignKey" or kind == "OneToOneField":
        kind = field.target_field.get_internal_type()
    if kind == "BooleanField":
        return [NULL if v is None else ("t" if v else "f") for v in values]
    if kind in _PLAIN_TYPES:
        return [NULL if v is None else str(v) for v in values]
    if kind == "JSONField":
        texts = [None if v is None else json.dumps(v, cls=field.encoder) for v in values]
    elif kind == "ArrayField":
        texts = [None if v is None else _array_literal(v) for v in values]
    else:
        texts = [None if v is None else str(v) for v in values]
    joined = "".join(t for t in texts if t is not None)
    if "\\" in joined or "\t" in joined or "\n" in joined or "\r" in joined:
        texts = [None if t is None else _escape(t) for t in texts]
    return [NULL if t is None else t for t in texts]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _array_literal(items) -> str:
    quoted = (
        "NULL" if item is None else '"' + str(item).replace("\\", "\\\\").replace('"', '\\"') + '"'
        for item in items
    )
    return "{" + ",".join(quoted) + "}"


def _is_stamped(field) -> bool:
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


def _chunks(rows, size: int):
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk
