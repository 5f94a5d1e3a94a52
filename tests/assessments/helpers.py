"""Builders and page checks shared by the assessments tests."""

import datetime

from django.utils import timezone

from tests.factories import ReferralFactory
from tests.treatment_requirements.factories import (
    OrderFactory,
    OrderRequirementFactory,
    ready_recommendation,
)

from .factories import AssessmentFactory, signed_assessment

MARKER = (
    '<strong class="govuk-tag govuk-tag--red app-risk-tag" data-person-marker>'
    "Self-harm risk</strong>"
)


RECEIVED_DAYS_AGO = 10


def typed(day: datetime.date) -> str:
    """A date as people type it into the one box (3/9/2026)."""
    return f"{day.day}/{day.month}/{day.year}"


def typed_date(name, day):
    """A form field's date as people type it into the one box."""
    return {name: typed(day)}


def team_assessment(practitioner, factory=AssessmentFactory, **kwargs):
    """An assessment (by default a draft) of a referral of the practitioner's team."""
    return factory(
        referral__person__team=practitioner.team,
        referral__person__created_by=practitioner,
        **kwargs,
    )


def received_team_assessment(practitioner, **kwargs):
    """An assessment of a referral of the practitioner's team received 10 days ago, so a
    date's lower bound is 10 days back."""
    return AssessmentFactory(
        referral__person__team=practitioner.team,
        referral__person__created_by=practitioner,
        referral__received_at=timezone.now() - datetime.timedelta(days=RECEIVED_DAYS_AGO),
        **kwargs,
    )


def banner(day: datetime.date | None = None) -> str:
    """The self-harm banner's words for a flag raised on `day` (today by default)."""
    day = day or timezone.localdate()
    return f"Risk: Self-harm or suicide, raised on {day:%-d %B %Y} (PHQ-9 item 9)"


def page_html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def row_holding(html: str, text: str) -> str:
    """The table row (or list item) holding `text`."""
    index = html.index(text)
    start = max(html.rfind("<tr", 0, index), html.rfind("<li", 0, index))
    end = min(i for i in (html.find("</tr>", index), html.find("</li>", index)) if i >= 0)
    return html[start:end]


def order_for(person, *, officer, provider_team, site):
    """A signed assessment's order for `person`, held by `officer`, with an MHTR provided by
    `provider_team`."""
    referral = ReferralFactory(person=person, site=site)
    assessment = signed_assessment(referral=referral)
    recommendation = ready_recommendation(assessment=assessment)
    order = OrderFactory(court_outcome__recommendation=recommendation, responsible_officer=officer)
    OrderRequirementFactory(order=order, kind="mhtr_primary", provider=provider_team)
    return order
