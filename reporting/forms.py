"""The dashboard filters: cohort, period, team and referral source (GET, bookmarkable).

Every value in the query string is a code or a numeric team id: no personal data.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from crispy_forms_gds.layout import Field, Size
from dateutil.relativedelta import relativedelta
from django import forms
from django.utils import timezone
from django.utils.text import slugify

from accounts.enums import TeamKind
from accounts.models import Team
from core.forms import GovForm, ShortModelChoiceField
from referrals.enums import ReferralSource


class Cohort:
    ALL = "all"
    WOMEN = "women"
    YOUNG_ADULTS = "18_24"
    VETERANS = "veterans"


COHORT_CHOICES = [
    (Cohort.ALL, "Everyone"),
    (Cohort.WOMEN, "Women"),
    (Cohort.YOUNG_ADULTS, "Young adults (18 to 24)"),
    (Cohort.VETERANS, "Veterans"),
]


class Period:
    LAST_12_MONTHS = "last-12-months"
    LAST_3_MONTHS = "last-3-months"
    THIS_FINANCIAL_YEAR = "this-financial-year"
    LAST_FINANCIAL_YEAR = "last-financial-year"
    LAST_24_MONTHS = "last-24-months"


PERIOD_CHOICES = [
    (Period.LAST_12_MONTHS, "Last 12 months"),
    (Period.LAST_3_MONTHS, "Last 3 months"),
    (Period.THIS_FINANCIAL_YEAR, "This financial year to date"),
    (Period.LAST_FINANCIAL_YEAR, "Last financial year"),
    (Period.LAST_24_MONTHS, "Last 24 months"),
]


@dataclass(frozen=True)
class DateRange:
    """Whole months, first day of `start` to last day of `end`, inclusive."""

    start: datetime.date
    end: datetime.date

    @property
    def label(self) -> str:
        first = self.start.strftime("%B %Y")
        month_end = self.end + relativedelta(day=31)
        last = self.end.strftime("%B %Y")
        if self.end != month_end:
            last = f"{self.end.day} {last}"
        return first if first == last else f"{first} to {last}"

    def until(self, day: datetime.date | None) -> "DateRange":
        """The range cut at `day` (the snapshot date: no data exists after it)."""
        if day is None or day >= self.end:
            return self
        return DateRange(self.start, max(day, self.start))

    def months(self) -> list[datetime.date]:
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month += relativedelta(months=1)
        return months


def period_range(period: str, today: datetime.date | None = None) -> DateRange:
    """The dates a period choice covers, ending today (partial current month included)."""
    today = today or timezone.localdate()
    this_month = today.replace(day=1)
    fy_start = datetime.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    if period == Period.LAST_3_MONTHS:
        return DateRange(this_month - relativedelta(months=2), today)
    if period == Period.THIS_FINANCIAL_YEAR:
        return DateRange(fy_start, today)
    if period == Period.LAST_FINANCIAL_YEAR:
        last_start = fy_start - relativedelta(years=1)
        return DateRange(last_start, fy_start - datetime.timedelta(days=1))
    if period == Period.LAST_24_MONTHS:
        return DateRange(this_month - relativedelta(months=23), today)
    return DateRange(this_month - relativedelta(months=11), today)


class DashboardFilterForm(GovForm):
    """Filters for every dashboard figure. A team lead's team is fixed to their own."""

    cohort = forms.ChoiceField(choices=COHORT_CHOICES, required=False, initial=Cohort.ALL)
    period = forms.ChoiceField(
        choices=PERIOD_CHOICES, required=False, initial=Period.LAST_12_MONTHS
    )
    team = ShortModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="All teams"
    )
    source = forms.ChoiceField(
        label="Referral source",
        choices=[("", "All sources"), *ReferralSource.choices],
        required=False,
    )

    layout = (
        Field.select("cohort", legend_size=Size.SMALL),
        Field.select("period", legend_size=Size.SMALL),
        Field.select("team", legend_size=Size.SMALL),
        Field.select("source", legend_size=Size.SMALL),
    )

    def __init__(self, *args, fixed_team: Team | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fixed_team = fixed_team
        if fixed_team is not None:
            self.fields["team"].queryset = Team.objects.filter(pk=fixed_team.pk)
            self.fields["team"].empty_label = None
            self.fields["team"].help_text = "You see exact figures for your own team only."
        else:
            self.fields["team"].queryset = Team.objects.filter(
                kind=TeamKind.LIAISON_DIVERSION
            ).order_by("name")

    def selection(self) -> "DashboardFilter":
        """The validated filters (defaults where a value was missing or invalid)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})  # the fields that did validate
        team = self.fixed_team or data.get("team")
        period = data.get("period") or Period.LAST_12_MONTHS
        return DashboardFilter(
            cohort=data.get("cohort") or Cohort.ALL,
            period=period,
            dates=period_range(period),
            team=team,
            source=data.get("source") or "",
        )


@dataclass(frozen=True)
class DashboardFilter:
    cohort: str
    period: str
    dates: DateRange
    team: Team | None
    source: str

    @property
    def label(self) -> str:
        parts = [dict(COHORT_CHOICES)[self.cohort]]
        parts.append(str(self.team) if self.team else "all teams")
        parts.append(dict(ReferralSource.choices)[self.source] if self.source else "all sources")
        return ", ".join(parts)

    def filename_parts(self) -> list[str]:
        """The filters as they name a download: the team always, the rest when narrowed."""
        parts = [] if self.cohort == Cohort.ALL else [slugify(dict(COHORT_CHOICES)[self.cohort])]
        parts.append(f"team-{slugify(self.team.name)}" if self.team else "all-teams")
        if self.source:
            parts.append(f"source-{self.source.replace('_', '-')}")
        return parts

    def query_string(self) -> str:
        params = {"cohort": self.cohort, "period": self.period, "source": self.source}
        if self.team is not None:
            params["team"] = self.team.pk
        return urlencode({k: v for k, v in params.items() if v})
