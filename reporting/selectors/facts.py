"""Reading the two fact tables of the latest snapshot, filtered by the dashboard's choices.

A fixed number of queries whatever the data volume or filters: one per fact table, and
the reference-data names the figures show.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Sum

from accounts.models import Site, Team
from referrals.models import Vulnerability

from ..models import CohortBreakdownFact, CohortReferralFact
from .figures import REFERRAL_SUMS, Sums

COHORT_FLAGS = {"women": "is_woman", "18_24": "is_young_adult", "veterans": "is_veteran"}


def _facts(model, run, selection):
    """`model` rows of the latest snapshot that match the filters (none before a run)."""
    if run is None:
        return model.objects.none()
    filters = {
        "snapshot_date": run.snapshot_date,
        "month__gte": selection.dates.start.replace(day=1),
        "month__lte": selection.dates.end,
    }
    if model is CohortBreakdownFact:
        filters["cohort"] = selection.cohort
    elif selection.cohort in COHORT_FLAGS:
        filters[COHORT_FLAGS[selection.cohort]] = True
    if selection.team is not None:
        filters["team_id"] = selection.team.pk
    if selection.source:
        filters["source"] = selection.source
    return model.objects.filter(**filters)


def referral_rows(run, selection) -> list[dict]:
    """Pathway counts by month, source, site and team (one query)."""
    return list(
        _facts(CohortReferralFact, run, selection)
        .values("month", "source", "site_id", "team_id")
        .annotate(**{name: Sum(name) for name in REFERRAL_SUMS})
        .order_by()
    )


def breakdowns(run, selection) -> dict[str, dict[str, int]]:
    """Every breakdown measure as {measure: {category: count}} (one query)."""
    result: dict[str, dict[str, int]] = defaultdict(dict)
    rows = (
        _facts(CohortBreakdownFact, run, selection)
        .values("measure", "category")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for row in rows:
        result[row["measure"]][row["category"]] = row["n"] or 0
    return result


def sums(referral_rows: list[dict], breakdowns: dict[str, dict[str, int]]) -> Sums:
    """The totals of the pathway counts and the breakdowns, unrounded."""
    totals = {name: sum(row[name] or 0 for row in referral_rows) for name in REFERRAL_SUMS}
    return Sums(totals=totals, breakdowns=breakdowns)


def names(rows: Iterable[dict]) -> dict:
    """Display names of the sites, teams and vulnerabilities in the figures (3 queries)."""
    from assessments.enums import OnwardService

    site_ids = {row["site_id"] for row in rows}
    sites = Site.objects.filter(pk__in=site_ids).values_list("pk", "name", "team__name")
    return {
        "sites": {pk: (name, team) for pk, name, team in sites},
        "teams": dict(Team.objects.values_list("pk", "name")),
        "vulnerabilities": dict(Vulnerability.objects.values_list("code", "name")),
        "services": dict(OnwardService.choices),
    }
