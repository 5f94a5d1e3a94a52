"""One dashboard for one set of filters and one viewer: its figures, headlines and labels."""

import datetime
import hashlib
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format

from accounts.policy import Action, Kind, Scope, scope_for

from ..disclosure import NOT_APPLICABLE, SUPPRESSED, Disclosure
from ..models import ReportingRun, RunStatus
from . import facts
from .figures import Figures
from .tables import FigureTable, Section, sections


@dataclass
class Headline:
    label: str
    value: object


@dataclass
class DashboardMeta:
    """What every figure and export states: period, filters, refresh time, footnote."""

    period_label: str
    filter_label: str
    refreshed_label: str
    footnote: str
    # The dates the figures cover (the period cut at the snapshot date): downloads' names.
    period_start: datetime.date | None = None
    period_end: datetime.date | None = None


@dataclass
class Dashboard:
    meta: DashboardMeta
    suppressed: bool
    headlines: list[Headline] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)

    @property
    def tables(self) -> list[FigureTable]:
        return [table for section in self.sections for table in section.tables]

    def table(self, key: str) -> FigureTable | None:
        return next((t for t in self.tables if t.key == key), None)


# Each headline: its label, the named figure it shows (reporting.selectors.figures), a unit.
HEADLINES = (
    ("referrals received", "referrals", ""),
    ("median hours from referral to screening", "median_hours_to_screening", ""),
    ("screened within target", "screened_within_target_share", "%"),
    ("orders made with a treatment requirement", "orders_made", ""),
    ("appointments kept", "appointments_kept_share", "%"),
    ("re-arrested or reconvicted within 12 months", "rearrested_12m_share", "%"),
)


def _with_unit(value, unit):
    return value if not unit or value in (SUPPRESSED, NOT_APPLICABLE) else f"{value}{unit}"


def headlines(figures: Figures) -> list[Headline]:
    return [Headline(label, _with_unit(figures[name], unit)) for label, name, unit in HEADLINES]


def disclosure_for(user) -> Disclosure:
    """Exact figures only for a team scope (a team lead's own team); suppressed otherwise."""
    return Disclosure(suppressed=scope_for(user, Action.VIEW, Kind.DASHBOARD) != Scope.TEAM)


_LATEST = object()  # dashboard_for's default: look the latest run up


def dashboard_cache_key(*, user, selection, run: ReportingRun | None) -> str:
    """What a rendered dashboard depends on: the snapshot run (a new run is a new key), the
    disclosure rule for the user, and the filters with the dates they stand for today."""
    parts = [
        f"{run.pk}.{run.finished_at.timestamp() if run.finished_at else ''}" if run else "none",
        "suppressed" if disclosure_for(user).suppressed else "exact",
        selection.query_string(),
        f"{selection.dates.start}:{selection.dates.end}",
    ]
    return "reporting:dashboard:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def latest_run() -> ReportingRun | None:
    """The newest successful snapshot build (its date is what the dashboards show)."""
    return (
        ReportingRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-snapshot_date", "-finished_at", "-pk")
        .first()
    )


def refreshed_label(run: ReportingRun | None) -> str:
    if run is None:
        return "never (the overnight run has not completed yet)"
    finished = timezone.localtime(run.finished_at or run.started_at)
    return f"{date_format(finished, 'H:i')} on {date_format(finished, 'j F Y')}"


def dashboard_for(*, user, selection, run: ReportingRun | None = _LATEST) -> Dashboard:
    """Every dashboard figure for `selection`, disclosure-controlled for `user`.

    Reads only the dashboard snapshot tables and reference-data names: six queries,
    whatever the data volume or filters. `run` saves a query when the caller has it.
    """
    d = disclosure_for(user)
    run = latest_run() if run is _LATEST else run
    referral_rows = facts.referral_rows(run, selection)
    sums = facts.sums(referral_rows, facts.breakdowns(run, selection))
    names = facts.names(referral_rows)
    dates = selection.dates.until(run.snapshot_date if run else None)
    meta = DashboardMeta(
        period_label=dates.label,
        filter_label=selection.label,
        refreshed_label=refreshed_label(run),
        footnote=d.footnote,
        period_start=dates.start,
        period_end=dates.end,
    )
    figures = Figures(sums, d)
    return Dashboard(
        meta=meta,
        suppressed=d.suppressed,
        headlines=headlines(figures),
        sections=sections(referral_rows, sums, figures, names, dates),
    )
