"""What every demo module needs to generate rows: weighted choices drawn quickly, and the
local date of a moment."""

import bisect
import datetime
import itertools

from django.utils import timezone


def weighted_picker(pairs):
    """A weighted choice among (value, weight) pairs (a weights table's `.items()` too), with
    the cumulative weights worked out once: the same draw as rng.choices(values, weights=...)
    (one rng.random(), bisected into the cumulative weights as random.choices does), without
    the list and the checks choices() makes at each call (seeding draws millions)."""
    values, weights = zip(*pairs, strict=True)
    values, cumulative = list(values), list(itertools.accumulate(weights))
    total, last = cumulative[-1] + 0.0, len(values) - 1
    if total <= 0.0:
        raise ValueError("Total of weights must be greater than zero")
    return lambda rng: values[bisect.bisect(cumulative, rng.random() * total, 0, last)]


def local_date(moment) -> datetime.date:
    """The date in the service's time zone (timezone.localtime(), without its overhead)."""
    return moment.astimezone(timezone.get_default_timezone()).date()
