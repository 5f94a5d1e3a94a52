"""The order the suite runs in (tests/conftest.py `pytest_collection_modifyitems`)."""


def long_tests_apart(items, workers):
    """The items reordered so that pytest-xdist's worksteal, which starts each of `workers`
    with the next len(left) // (workers left) items, starts each on a long test: longest
    first, one per worker (any more after them)."""

    def minutes(item):
        marker = item.get_closest_marker("minutes")
        return marker.args[0] if marker else 0

    long = sorted((item for item in items if minutes(item)), key=minutes, reverse=True)
    rest = [item for item in items if not minutes(item)]
    ordered, left = [], len(items)
    for worker in range(workers):
        size = left // (workers - worker)
        head = long[worker::workers]
        filler = max(size - len(head), 0)
        ordered += head + rest[:filler]
        rest = rest[filler:]
        left -= size
    return ordered + rest
