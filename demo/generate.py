"""What every demo module needs to generate rows: weighted choices drawn quickly, and the
local date of a moment."""

import datetime
import itertools

from django.utils import timezone


def weighted_picker(pairs):
    """A weighted choice among (value, weight) pairs (a weights table's `.items()` too), with
    the cumulative weights worked out once (the same draws as rng.choices(values, weights=...))."""
    values, weights = zip(*pairs, strict=True)
    values, cumulative = list(values), list(itertools.accumulate(weights))
    return lambda rng: rng.choices(values, cum_weights=cumulative)[0]


def local_date(moment) -> datetime.date:
    """The date in the service's time zone (timezone.localtime(), without its overhead)."""
    return moment.astimezone(timezone.get_default_timezone()).date()
