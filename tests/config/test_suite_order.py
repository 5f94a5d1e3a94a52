"""The suite's order: tests marked `minutes` start at the head of different workers' queues
(tests/ordering.py), as pytest-xdist's worksteal hands the queues out."""

import types

import pytest

from tests.ordering import long_tests_apart


class Item:
    def __init__(self, name, minutes=0):
        self.name, self.minutes = name, minutes

    def get_closest_marker(self, name):
        assert name == "minutes"
        return types.SimpleNamespace(args=(self.minutes,)) if self.minutes else None

    def __repr__(self):
        return self.name


def worksteal_queues(items, workers):
    """The first queue of each worker, as worksteal's first check_schedule deals them."""
    queues, left = [], list(items)
    for worker in range(workers):
        size = len(left) // (workers - worker)
        queues.append(left[:size])
        left = left[size:]
    return queues


ITEMS = [Item(f"t{i}") for i in range(7)] + [Item("crawl", 2)] + [Item(f"u{i}") for i in range(8)]
ITEMS += [Item("scan", 3), Item("v")]


@pytest.mark.parametrize("workers", [2, 3, 4])
def test_each_long_test_heads_its_own_worker_queue_longest_first(workers):
    queues = worksteal_queues(long_tests_apart(ITEMS, workers), workers)

    assert [queue[0].name for queue in queues[:2]] == ["scan", "crawl"]
    assert not any(item.minutes for queue in queues for item in queue[1:])


def test_nothing_is_lost_or_repeated_and_the_rest_keeps_its_order():
    few = [Item("a", 1), Item("b", 2), Item("c", 3), Item("t")]
    for items in (ITEMS, few):
        for workers in (1, 2, 3, 5):
            ordered = long_tests_apart(items, workers)
            assert sorted(map(repr, ordered)) == sorted(map(repr, items))
            rest = [item.name for item in ordered if not item.minutes]
            assert rest == [item.name for item in items if not item.minutes]


def test_in_one_process_the_longest_runs_first():
    assert [item.name for item in long_tests_apart(ITEMS, 1)][:2] == ["scan", "crawl"]


def test_more_long_tests_than_workers_all_run_early():
    items = [Item("a", 1), Item("b", 3), Item("c", 2)] + [Item(f"t{i}") for i in range(9)]
    queues = worksteal_queues(long_tests_apart(items, 2), 2)

    assert [item.name for item in queues[0][:2]] == ["b", "a"]
    assert queues[1][0].name == "c"
