"""The fields, widgets and choices the referral forms share: dates of birth and list dates
inside the service's bounds, sites with their kind, the team's practitioners."""

import datetime
import re
from itertools import groupby

from dateutil.relativedelta import relativedelta
from django import forms
from django.core.exceptions import ValidationError

from accounts.enums import Role, TeamKind
from accounts.models import Team, User
from core import forms as gov

from ..models import Ethnicity

MIN_AGE_YEARS = 10
MAX_AGE_YEARS = 110
# Nothing this service records was received before it existed.
FIRST_REFERRAL_DAY = datetime.date(2000, 1, 1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def latest_birth_day() -> datetime.date:
    """The last date of birth that gives an age of MIN_AGE_YEARS today."""
    return gov.today() - relativedelta(years=MIN_AGE_YEARS)


def earliest_birth_day() -> datetime.date:
    """The first date of birth that gives an age of MAX_AGE_YEARS or less today."""
    return gov.today() - relativedelta(years=MAX_AGE_YEARS + 1) + datetime.timedelta(days=1)


class DateOfBirthField(gov.GovDateField):
    """A date of birth within the service's age rule (MIN_AGE_YEARS to MAX_AGE_YEARS): the
    bounds also choose the century of a two-digit year ("3/9/88" is 1988)."""

    def __init__(self, **kwargs):
        super().__init__(
            earliest=earliest_birth_day,
            latest=latest_birth_day,
            earliest_message=f"Date of birth gives an age over {MAX_AGE_YEARS}: check the year",
            latest_message=f"Date of birth gives an age under {MIN_AGE_YEARS}: check the year",
            autocomplete="bday",
            **kwargs,
        )

    def validate(self, value):
        if value is not None and value > gov.today():
            raise ValidationError("Date of birth must be in the past", code="future")
        super().validate(value)


class ListDateField(gov.GovDateField):
    """A date filter of a list, from 2000 to today. Also reads 2026-08-24, the form other
    pages' links put in the address."""

    def __init__(self, **kwargs):
        super().__init__(earliest=FIRST_REFERRAL_DAY, latest=gov.today, required=False, **kwargs)

    def to_python(self, value):
        if isinstance(value, str) and _ISO_DATE.match(value.strip()):
            try:
                return datetime.date.fromisoformat(value.strip())
            except ValueError:
                raise ValidationError(self.error_messages["not_real"], code="not_real") from None
        return super().to_python(value)


def grouped_ethnicity_choices():
    rows = Ethnicity.objects.filter(is_active=True).order_by("sort_order", "name")
    choices = [("", "Select an ethnic group")]
    for group, items in groupby(rows, key=lambda e: e.group):
        choices.append((group, [(e.pk, e.name) for e in items]))
    return choices


class SiteSelect(forms.Select):
    """Each option carries its site kind, so static/js/intake.js can offer the right sites."""

    def __init__(self, attrs=None, choices=()):
        # crispy-forms-gds styles widgets by class name; this one is not "Select".
        super().__init__({"class": "govuk-select", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-kind"] = instance.kind
        return option


def user_sites(team_id, *, keep=None):
    """The team's active sites, and the site `keep` (the record's own) whatever its team."""
    from django.db.models import Q

    from accounts.models import Site

    return Site.objects.filter(Q(team_id=team_id, is_active=True) | Q(pk=keep)).order_by("name")


def team_practitioners(team_id):
    return (
        User.objects.people()
        .filter(team_id=team_id, is_active=True, role__in=[Role.PRACTITIONER, Role.TEAM_LEAD])
        .order_by("first_name", "last_name")
    )


def transfer_teams(current_team_id):
    """Active L&D teams a referral of `current_team_id` can move to."""
    return (
        Team.objects.filter(kind=TeamKind.LIAISON_DIVERSION, is_active=True)
        .exclude(pk=current_team_id)
        .order_by("name")
    )
