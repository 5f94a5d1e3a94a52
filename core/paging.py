"""Keyset paging: a page of a list read from where the previous one stopped.

A page is found by its sort key and id (the cursor), never by an OFFSET or a COUNT over the
whole list, so its cost follows the rows shown and an index on (..., key, id) reads it in
order. The cursor holds only a date or time and a row id, never personal data, so it may sit
in the URL (`?after=<cursor>` for the next page, `?before=<cursor>` for the previous one).
Ties in the key are broken by id, so no row is shown twice or skipped; a row removed between
pages moves nothing, since the next page starts after the cursor's values, not its row.

A sort on several keys (a status, a name, "most urgent first") uses CompositeKeysetOrder:
the same reading over each key in turn, then the id. Its cursor holds the row's key values,
which may be personal (a name), so such a list keeps its cursors in the session behind an
opaque token (core.search_tokens) and puts only the token in the URL.
"""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.db.models import F, OrderBy, Q, QuerySet
from django.utils import timezone
from django.utils.http import urlencode

KEY = "keyset_key"


@dataclass(frozen=True)
class KeysetOrder:
    """A list's order: one date or datetime field (it may follow a relation), then id."""

    field: str
    descending: bool = False
    parse: Callable[[str], object] = datetime.date.fromisoformat

    def annotate(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(**{KEY: F(self.field)})

    def cursor(self, row) -> str:
        return f"{getattr(row, KEY).isoformat()}_{row.pk}"

    def decode(self, cursor: str | None):
        """(key, id) from a cursor, or None for a missing or malformed one."""
        if not cursor:
            return None
        key, _, pk = cursor.rpartition("_")
        try:
            return self.parse(key), int(pk)
        except (TypeError, ValueError):
            return None

    def just_after(self, key, pk) -> str:
        """A cursor between (key, pk) and the row after it: ids are whole numbers, so
        "before" it includes the row at (key, pk) itself."""
        return f"{key.isoformat()}_{pk - 1 if self.descending else pk + 1}"

    def ordering(self, *, reverse: bool = False) -> list[str]:
        sign = "-" if self.descending != reverse else ""
        return [f"{sign}{self.field}", f"{sign}id"]

    def beyond(self, key, pk, *, reverse: bool = False) -> Q:
        """Rows after (key, pk) in this order, or before it when `reverse`."""
        op = "lt" if self.descending != reverse else "gt"
        # The first term repeats the second's bound on the key alone: a range the database
        # can start its index scan at, instead of reading and dropping every earlier row.
        return Q(**{f"{self.field}__{op}e": key}) & (
            Q(**{f"{self.field}__{op}": key}) | Q(**{self.field: key, f"id__{op}": pk})
        )


def _iso(value):
    return value.isoformat() if isinstance(value, datetime.date) else value


def parse_bool(value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(value)
    return value


def parse_int(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(value)
    return value


def parse_str(value) -> str:
    if not isinstance(value, str):
        raise TypeError(value)
    return value


@dataclass(frozen=True)
class SortKey:
    """One key of a CompositeKeysetOrder: a field (it may follow a relation) or an annotation
    on the list's queryset, its direction, how its cursor value is read back (from JSON), and
    whether it may be NULL (NULLs come after every value, in either direction)."""

    field: str
    descending: bool = False
    parse: Callable[[object], object] = parse_str
    nullable: bool = False

    def order_by(self, *, reverse: bool = False) -> OrderBy:
        if self.descending != reverse:
            return F(self.field).desc(nulls_first=True if self.nullable and reverse else None)
        return F(self.field).asc(nulls_last=True if self.nullable and not reverse else None)

    def equal(self, value) -> Q:
        return Q(**{f"{self.field}__isnull": True}) if value is None else Q(**{self.field: value})

    def beyond(self, value, *, reverse: bool = False) -> Q | None:
        """Rows whose key comes after `value` in the list's order (before it when
        `reverse`); None when none can (nothing comes after a NULL)."""
        op = "lt" if self.descending != reverse else "gt"
        if not self.nullable:
            return Q(**{f"{self.field}__{op}": value})
        if reverse:
            return (
                Q(**{f"{self.field}__isnull": False})
                if value is None
                else Q(**{f"{self.field}__{op}": value})
            )
        if value is None:
            return None
        return Q(**{f"{self.field}__{op}": value}) | Q(**{f"{self.field}__isnull": True})


@dataclass(frozen=True)
class CompositeKeysetOrder:
    """A list's order over several keys, for sorts one date cannot express (a status, a
    name, "most urgent first"). The last key must be `id`, so every row has its own place.

    Its cursor is the JSON list of the row's key values. Unlike KeysetOrder's, that may
    hold personal data (a name, whether a person is at risk): a list using one keeps its
    cursors behind an opaque token in the session (core.search_tokens), never in a URL.
    """

    keys: tuple[SortKey, ...]

    def __post_init__(self):
        if not self.keys or self.keys[-1].field != "id":
            raise ValueError("The last sort key must be id")

    def _name(self, index: int) -> str:
        return f"{KEY}_{index}"

    def annotate(self, queryset: QuerySet) -> QuerySet:
        return queryset.annotate(
            **{self._name(n): F(key.field) for n, key in enumerate(self.keys[:-1])}
        )

    def cursor(self, row) -> str:
        values = [getattr(row, self._name(n)) for n in range(len(self.keys) - 1)]
        return json.dumps([*map(_iso, values), row.pk], separators=(",", ":"))

    def decode(self, cursor: str | None):
        """The key values from a cursor, or None for a missing or malformed one."""
        if not cursor:
            return None
        try:
            raw = json.loads(cursor)
            if not isinstance(raw, list) or len(raw) != len(self.keys):
                return None
            return tuple(
                None if value is None and key.nullable else key.parse(value)
                for key, value in zip(self.keys, raw, strict=True)
            )
        except (TypeError, ValueError):
            return None

    def just_after(self, *values) -> str:
        """A cursor between `values` and the row after it (see KeysetOrder.just_after)."""
        *keys, pk = values
        step = -1 if self.keys[-1].descending else 1
        return json.dumps([*map(_iso, keys), pk + step], separators=(",", ":"))

    def ordering(self, *, reverse: bool = False) -> list[OrderBy]:
        return [key.order_by(reverse=reverse) for key in self.keys]

    def beyond(self, *values, reverse: bool = False) -> Q:
        """Rows after `values` in this order (before them when `reverse`): beyond on the
        first key, or equal on it and beyond on the second, and so on."""
        branches, equal = [], Q()
        for key, value in zip(self.keys, values, strict=True):
            step = key.beyond(value, reverse=reverse)
            if step is not None:
                branches.append(equal & step)
            equal &= key.equal(value)
        condition = reduce(lambda a, b: a | b, branches)
        first, value = self.keys[0], values[0]
        if not first.nullable:  # as KeysetOrder.beyond: a range to start an index scan at
            op = "lt" if first.descending != reverse else "gt"
            condition = Q(**{f"{first.field}__{op}e": value}) & condition
        return condition


def page_links(page: "KeysetPage", base: str) -> dict:
    """The query strings of a date-and-id keyset page's next, previous and first pages ("" when
    there is none), each `base` (the list's other parameters) plus the cursor."""
    joined = f"{base}&" if base else ""
    return {
        "next_query": f"{joined}{urlencode({'after': page.next_cursor})}"
        if page.next_cursor
        else "",
        "previous_query": f"{joined}{urlencode({'before': page.previous_cursor})}"
        if page.previous_cursor
        else "",
        "first_query": base,
    }


def since_from_query(raw: str | None) -> datetime.datetime | None:
    """The starting point a "New to me" list carries in its URL (`?since=`, an ISO time, so
    that paging keeps the same list after the look is recorded); None when missing or
    malformed. A naive time is taken as local time."""
    try:
        since = datetime.datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None
    if since is not None and timezone.is_naive(since):
        since = timezone.make_aware(since)
    return since


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None  # the next page: ?after=
    previous_cursor: str | None  # the previous page: ?before=
    is_first: bool  # no cursor was given: the start of the list


def first_page_query(
    queryset: QuerySet, order: "KeysetOrder | CompositeKeysetOrder", page_size: int
) -> QuerySet:
    """What keyset_page reads for the first page (no cursor): page_size + 1 rows in order
    (a caller may compile it once: core.compiled)."""
    return order.annotate(queryset).order_by(*order.ordering())[: page_size + 1]


def first_page(
    found: list, order: "KeysetOrder | CompositeKeysetOrder", page_size: int
) -> KeysetPage:
    """The first page of a list from the rows first_page_query read."""
    rows = found[:page_size]
    next_cursor = order.cursor(rows[-1]) if len(found) > page_size else None
    return KeysetPage(rows=rows, next_cursor=next_cursor, previous_cursor=None, is_first=True)


def keyset_page(
    queryset: QuerySet,
    order: KeysetOrder | CompositeKeysetOrder,
    *,
    page_size: int,
    after: str | None = None,
    before: str | None = None,
) -> KeysetPage:
    """One page of `queryset` in `order`, reading page_size + 1 rows to know if more follow.

    `after` wins over `before`; a malformed cursor reads the first page. A page after the
    last row is empty, and offers the page before it; a page before the first row is empty
    too, and offers the first page (is_first is False, so the template can link to it).
    """
    after_key, before_key = order.decode(after), order.decode(before)
    if not after_key and not before_key:
        return first_page(list(first_page_query(queryset, order, page_size)), order, page_size)
    queryset = order.annotate(queryset)
    if before_key and not after_key:
        found = list(
            queryset.filter(order.beyond(*before_key, reverse=True)).order_by(
                *order.ordering(reverse=True)
            )[: page_size + 1]
        )
        rows = found[:page_size][::-1]
        more_before = len(found) > page_size
        return KeysetPage(
            rows=rows,
            next_cursor=order.cursor(rows[-1]) if rows else None,
            previous_cursor=order.cursor(rows[0]) if more_before else None,
            is_first=False,
        )
    if after_key:
        queryset = queryset.filter(order.beyond(*after_key))
    found = list(queryset.order_by(*order.ordering())[: page_size + 1])
    rows = found[:page_size]
    if not after_key:
        previous = None
    elif rows:
        previous = order.cursor(rows[0])
    else:  # past the end: the last page, up to and including the cursor's row
        previous = order.just_after(*after_key)
    return KeysetPage(
        rows=rows,
        next_cursor=order.cursor(rows[-1]) if len(found) > page_size else None,
        previous_cursor=previous,
        is_first=after_key is None,
    )
