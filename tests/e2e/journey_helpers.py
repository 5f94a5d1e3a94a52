"""What every whole-pathway journey does on each screen: wait for it, check it with axe-core
and save a screenshot (test-artifacts/screenshots/<test>-<step>.png).

A journey module imports `journey_checkpoint` (the fixture, named `checkpoint`) to use it.
"""

import datetime

import pytest
from django.utils import timezone

from .axe import assert_no_serious_violations


@pytest.fixture(name="checkpoint")
def journey_checkpoint(page, screenshot):
    """checkpoint("03-screening") checks the current screen for accessibility and saves it."""

    def check(step: str):
        page.wait_for_load_state()
        assert_no_serious_violations(page, step)
        return screenshot(step)

    return check


def day(offset: int) -> str:
    """A date `offset` days from today as typed into the forms (DD/MM/YYYY)."""
    return (timezone.localdate() + datetime.timedelta(days=offset)).strftime("%d/%m/%Y")
