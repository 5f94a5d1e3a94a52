"""Keyset paging: a page of a list read from where the previous one stopped.

A page is found by its sort key and id (the cursor), never by an OFFSET or a COUNT over the
whole list, so its cost follows the rows shown and an index on (..., key, id) reads it in
order. The cursor holds only a date or time and a row id, never personal data, so it may sit
in the URL (`?after=<cursor>` for the next page, `?before=<cursor>` for the previous one).
Ties in the key are broken by id, so no row is shown twice or skipped; a row removed between
pages moves nothing, since the next page starts after the cursor's values, not its row.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet

KEY = "keyset_key"


@dataclass(frozen=True)
class KeysetOrder:
    """A list's order: one date or datetime field (it may follow a relation), then id."""

    field: str
    descending: bool = False
    parse: Callable[[str], object] = datetime.date.fromisoformat

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


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None  # the next page: ?after=
    previous_cursor: str | None  # the previous page: ?before=
    is_first: bool  # no cursor was given: the start of the list


def keyset_page(
    queryset: QuerySet,
    order: KeysetOrder,
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
    queryset = queryset.annotate(**{KEY: F(order.field)})
    after_key, before_key = order.decode(after), order.decode(before)
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
