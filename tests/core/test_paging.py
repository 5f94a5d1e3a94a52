"""core.paging's keyset cursors and core.search_tokens, apart from any list."""

import datetime

from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db.models import Q
from django.test import RequestFactory

from core import search_tokens
from core.paging import KeysetOrder


def test_cursor_round_trips_a_date_and_a_time_with_its_offset():
    day = KeysetOrder("end_date")
    assert day.decode("2026-03-29_41") == (datetime.date(2026, 3, 29), 41)
    at = KeysetOrder("starts_at", parse=datetime.datetime.fromisoformat)
    when = datetime.datetime(2026, 3, 29, 1, 30, 0, 5, tzinfo=datetime.UTC)
    assert at.decode(f"{when.isoformat()}_7") == (when, 7)


def test_malformed_cursors_decode_to_none():
    order = KeysetOrder("end_date")
    for cursor in (None, "", "_", "2026-02-30_1", "2026-01-01_", "2026-01-01_1.5", "x_1"):
        assert order.decode(cursor) is None, cursor


def test_beyond_bounds_the_key_then_breaks_ties_by_id_in_either_direction():
    day = datetime.date(2026, 1, 1)
    ascending, descending = KeysetOrder("end_date"), KeysetOrder("made_on", descending=True)
    assert ascending.beyond(day, 5) == Q(end_date__gte=day) & (
        Q(end_date__gt=day) | Q(end_date=day, id__gt=5)
    )
    assert ascending.beyond(day, 5, reverse=True) == Q(end_date__lte=day) & (
        Q(end_date__lt=day) | Q(end_date=day, id__lt=5)
    )
    assert descending.beyond(day, 5) == Q(made_on__lte=day) & (
        Q(made_on__lt=day) | Q(made_on=day, id__lt=5)
    )
    assert ascending.ordering() == ["end_date", "id"]
    assert descending.ordering(reverse=True) == ["made_on", "id"]
    assert ascending.just_after(day, 5) == "2026-01-01_6"
    assert descending.just_after(day, 5) == "2026-01-01_4"


def test_search_tokens_are_opaque_per_list_and_the_oldest_are_dropped(monkeypatch):
    monkeypatch.setattr(search_tokens, "MAX_STORED_SEARCHES", 2)
    request = RequestFactory().get("/")
    request.session = SessionStore()
    first = search_tokens.store_search(request, "a", {"kind": "name", "value": "Ada Lovelace"})
    second = search_tokens.store_search(request, "a", {"kind": "pnc_id", "value": "x"})
    other = search_tokens.store_search(request, "b", {"kind": "name", "value": "Bo"})

    assert "Ada" not in first and len({first, second, other}) == 3
    assert search_tokens.stored_search(request, "a", first)["value"] == "Ada Lovelace"
    assert search_tokens.stored_search(request, "b", first) is None
    assert search_tokens.stored_search(request, "a", "") is None
    search_tokens.store_search(request, "a", {"kind": "name", "value": "Cy"})
    assert search_tokens.stored_search(request, "a", first) is None
    assert search_tokens.stored_search(request, "a", second)["kind"] == "pnc_id"


# Orders over several keys (the referral list's status, name and "most urgent first") ------


def _urgent_like():
    from core.paging import CompositeKeysetOrder, SortKey, parse_bool, parse_int

    at = datetime.datetime.fromisoformat
    return CompositeKeysetOrder(
        (
            SortKey("at_risk", descending=True, parse=parse_bool),
            SortKey("due_by", parse=at, nullable=True),
            SortKey("id", parse=parse_int),
        )
    )


def test_composite_cursor_round_trips_its_values_including_a_null():
    from types import SimpleNamespace

    order = _urgent_like()
    when = datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)
    row = SimpleNamespace(keyset_key_0=True, keyset_key_1=when, pk=7)
    empty = SimpleNamespace(keyset_key_0=False, keyset_key_1=None, pk=8)

    assert order.decode(order.cursor(row)) == (True, when, 7)
    assert order.decode(order.cursor(empty)) == (False, None, 8)
    assert order.decode(order.just_after(True, when, 7)) == (True, when, 8)


def test_malformed_composite_cursors_decode_to_none():
    order = _urgent_like()
    for cursor in (None, "", "x", "{}", "[]", "[true, null]", '[1, null, 2]', '[true, "x", 2]',
                   '[null, null, 2]', '[true, null, "2"]', '[true, null, true]',
                   '[true, null, 2, 3]'):  # fmt: skip
        assert order.decode(cursor) is None, cursor


def test_composite_beyond_puts_nulls_last_either_way():
    order = _urgent_like()
    when = datetime.datetime(2026, 3, 29, tzinfo=datetime.UTC)

    after_a_time = order.beyond(False, when, 5)
    after_a_null = order.beyond(False, None, 5)
    before_a_null = order.beyond(False, None, 5, reverse=True)

    assert after_a_time == Q(at_risk__lte=False) & (
        Q(at_risk__lt=False)
        | Q(at_risk=False) & (Q(due_by__gt=when) | Q(due_by__isnull=True))
        | Q(at_risk=False) & Q(due_by=when) & Q(id__gt=5)
    )
    # Nothing sorts after a NULL target but a later id among the NULLs.
    assert after_a_null == Q(at_risk__lte=False) & (
        Q(at_risk__lt=False) | Q(at_risk=False) & Q(due_by__isnull=True) & Q(id__gt=5)
    )
    assert before_a_null == Q(at_risk__gte=False) & (
        Q(at_risk__gt=False)
        | Q(at_risk=False) & Q(due_by__isnull=False)
        | Q(at_risk=False) & Q(due_by__isnull=True) & Q(id__lt=5)
    )


def test_a_composite_order_must_end_with_id():
    import pytest

    from core.paging import CompositeKeysetOrder, SortKey

    with pytest.raises(ValueError):
        CompositeKeysetOrder((SortKey("status"),))
