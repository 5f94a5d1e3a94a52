"""The risk register's screens and who sees what: two L&D teams, a probation team and a
provider; several people and referrals. Probation and providers see the flag (type, level,
dates, review status) on people they may see, never the note; only the person's L&D teams
raise, review and remove; every look at the register is audited; rows carry markers."""

import datetime

import pytest
from django.urls import reverse

from accounts.enums import AuditAction, Role
from accounts.models import AuditEvent
from risks import rules
from risks.enums import RiskType
from risks.models import RiskFlag
from tests.factories import PersonFactory, ReferralFactory, TeamFactory, UserFactory
from tests.treatment_requirements.factories import (
    AppointmentFactory,
    OrderFactory,
    OrderRequirementFactory,
    ProbationOfficerFactory,
    ProbationTeamFactory,
    ProviderTeamFactory,
    ready_recommendation,
)

from ..assessments.factories import signed_assessment
from .factories import days, raise_flag

pytestmark = pytest.mark.django_db

NOTE = "Spat at a custody officer; see with two staff."


@pytest.fixture
def world(practitioner, team_lead, site, other_team):
    officer = ProbationOfficerFactory(team=ProbationTeamFactory(), username="risk_po")
    provider = ProviderTeamFactory()
    clinician = UserFactory(role=Role.PROVIDER_CLINICIAN, team=provider, username="risk_cl")
    flagged = PersonFactory(team=practitioner.team, given_name="Ada", family_name="Flagged")
    clear = PersonFactory(team=practitioner.team, given_name="Bob", family_name="Clear")
    elsewhere = PersonFactory(team=other_team, given_name="Cy", family_name="Elsewhere")
    for person in (flagged, flagged, clear):
        ReferralFactory(person=person, site=site)
    ReferralFactory(person=elsewhere, team=other_team, site=site)
    orders = {}
    for person in (flagged, clear):
        assessment = signed_assessment(referral=ReferralFactory(person=person, site=site))
        order = OrderFactory(
            court_outcome__recommendation=ready_recommendation(assessment=assessment),
            responsible_officer=officer,
            probation_team=officer.team,
        )
        OrderRequirementFactory(order=order, kind="mhtr_primary", provider=provider)
        orders[person.pk] = order
    staff = raise_flag(flagged, practitioner, note=NOTE)
    mappa = raise_flag(
        flagged, practitioner, risk_type=RiskType.MAPPA, mappa_category=1, mappa_level=2
    )
    other_team_flag = raise_flag(
        elsewhere, UserFactory(role=Role.PRACTITIONER, team=other_team), note="Other team's."
    )
    return {
        "officer": officer,
        "clinician": clinician,
        "flagged": flagged,
        "clear": clear,
        "elsewhere": elsewhere,
        "orders": orders,
        "staff": staff,
        "mappa": mappa,
        "other_team_flag": other_team_flag,
    }


def _get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_practitioner_sees_the_register_with_notes_and_the_view_is_audited(
    client, practitioner, world
):
    url = reverse("risks:register", args=[world["flagged"].pk])

    response = _get(client, practitioner, url)

    html = response.content.decode()
    assert response.status_code == 200
    assert NOTE in html
    assert "MAPPA category 1, level 2" in html
    assert reverse("risks:flag_review", args=[world["staff"].pk]) in html
    assert AuditEvent.objects.filter(
        user=practitioner, action=AuditAction.VIEW, person_id=world["flagged"].pk
    ).exists()


@pytest.mark.parametrize("who", ["officer", "clinician"])
def test_probation_and_provider_see_flags_without_the_note(client, world, who):
    user = world[who]
    html = _get(client, user, reverse("risks:register", args=[world["flagged"].pk])).content

    html = html.decode()
    assert "Risk to staff" in html and "MAPPA category 1, level 2" in html
    assert NOTE not in html and "data-risk-note" not in html
    assert reverse("risks:flag_review", args=[world["staff"].pk]) not in html
    assert "Raise a risk flag" not in html
    assert AuditEvent.objects.filter(
        user=user, action=AuditAction.VIEW, person_id=world["flagged"].pk
    ).exists()


@pytest.mark.parametrize("who", ["officer", "clinician"])
def test_probation_and_provider_may_not_change_flags(client, world, who):
    client.force_login(world[who])

    assert client.get(reverse("risks:flag_raise", args=[world["flagged"].pk])).status_code == 403
    response = client.post(
        reverse("risks:flag_remove", args=[world["staff"].pk]),
        {"version": 1, "reason": "Not mine to remove."},
    )
    assert response.status_code == 403
    assert RiskFlag.objects.get(pk=world["staff"].pk).is_current


def test_outsider_gets_nothing_about_another_teams_person(client, outsider, world):
    for url in (
        reverse("risks:register", args=[world["flagged"].pk]),
        reverse("risks:flag_review", args=[world["staff"].pk]),
    ):
        response = _get(client, outsider, url)
        assert response.status_code == 404
        assert "Flagged" not in response.content.decode()


@pytest.mark.parametrize("role", [Role.COMMISSIONER, Role.ADMINISTRATOR])
def test_commissioners_and_administrators_are_refused(client, world, role):
    user = UserFactory(role=role, team=TeamFactory(kind="commissioner"))
    response = _get(client, user, reverse("risks:register", args=[world["flagged"].pk]))
    assert response.status_code == 403


def test_scopes_select_the_right_flags_for_each_role(practitioner, team_lead, world, outsider):
    from risks.selectors import flags_visible

    mine = {world["staff"].pk, world["mappa"].pk}
    assert set(flags_visible(practitioner).values_list("pk", flat=True)) == mine
    assert set(flags_visible(team_lead).values_list("pk", flat=True)) == mine
    assert set(flags_visible(world["officer"]).values_list("pk", flat=True)) == mine
    assert set(flags_visible(world["clinician"]).values_list("pk", flat=True)) == mine
    assert set(flags_visible(outsider).values_list("pk", flat=True)) == {
        world["other_team_flag"].pk
    }


def test_raise_form_refuses_rosh_without_a_level_then_raises(client, practitioner, world):
    url = reverse("risks:flag_raise", args=[world["clear"].pk])
    today = rules.today()
    date = {"raised_on": f"{today.day}/{today.month}/{today.year}"}
    client.force_login(practitioner)

    refused = client.post(url, {"risk_type": "rosh", **date})

    assert refused.status_code == 400
    assert "Select the ROSH level" in refused.content.decode()
    assert not RiskFlag.objects.filter(person=world["clear"]).exists()
    done = client.post(url, {"risk_type": "rosh", "rosh_level": "high", **date})
    assert done.status_code == 302
    flag = RiskFlag.objects.get(person=world["clear"])
    assert flag.next_review_on == rules.default_review_date("rosh", today)


def test_review_form_from_a_stale_page_says_so(client, practitioner, team_lead, world):
    flag = world["staff"]
    url = reverse("risks:flag_review", args=[flag.pk])
    today = rules.today() + days(20)
    data = {
        "version": flag.version,
        "reviewed_on": f"{rules.today():%d/%m/%Y}",
        "next_review_on": f"{today:%d/%m/%Y}",
        "note": "Reviewed.",
    }
    client.force_login(team_lead)
    assert client.post(url, data).status_code == 302

    client.force_login(practitioner)
    stale = client.post(url, data)

    assert stale.status_code == 409
    assert "Someone else saved this record" in stale.content.decode()


def test_remove_form_needs_a_reason(client, practitioner, world):
    url = reverse("risks:flag_remove", args=[world["staff"].pk])
    client.force_login(practitioner)

    response = client.post(url, {"version": world["staff"].version, "reason": ""})

    assert response.status_code == 400
    assert "Enter why the flag is being removed" in response.content.decode()
    assert RiskFlag.objects.get(pk=world["staff"].pk).is_current


# Shown where people work with the person --------------------------------------------------


def test_booking_and_outcome_screens_show_the_flags_to_probation(client, world):
    order = world["orders"][world["flagged"].pk]
    appointment = AppointmentFactory(order=order)
    client.force_login(world["officer"])

    for url in (
        reverse("treatment_requirements:appointment_new", args=[order.pk]),
        reverse("treatment_requirements:appointment_outcome", args=[order.pk, appointment.pk]),
    ):
        html = client.get(url).content.decode()
        assert "Risk: Risk to staff, raised on" in html, url
        assert "Risk: MAPPA category 1, level 2" in html, url
        assert NOTE not in html, url
    clear_order = world["orders"][world["clear"].pk]
    html = client.get(
        reverse("treatment_requirements:appointment_new", args=[clear_order.pk])
    ).content.decode()
    assert "data-person-risk" not in html


def test_banner_shows_an_overdue_review(client, practitioner, world, time_machine):
    flag = world["staff"]
    time_machine.move_to(
        datetime.datetime.combine(flag.next_review_on, datetime.time(12)), tick=False
    )
    html = _get(client, practitioner, world["flagged"].get_absolute_url()).content.decode()
    assert 'data-review-status="due_today"' in html
    assert 'data-review-status="overdue"' not in html

    time_machine.move_to(
        datetime.datetime.combine(flag.next_review_on + days(1), datetime.time(12)), tick=False
    )
    html = _get(client, practitioner, world["flagged"].get_absolute_url()).content.decode()
    # Both of Ada's flags (risk to staff, MAPPA) were raised the same day, 3 months apart.
    assert html.count('data-review-status="overdue">Review overdue') == 2


def test_list_rows_carry_the_risk_marker(client, practitioner, world):
    html = _get(client, practitioner, reverse("referrals:referral_list")).content.decode()

    marker = "data-person-marker>Risk flag</strong>"
    assert html.count(marker) == 3  # Ada's three referrals; Bob's two have none
    assert "data-person-marker>Self-harm risk" not in html


def test_caseload_rows_carry_the_risk_marker(client, world):
    html = _get(
        client, world["officer"], reverse("treatment_requirements:caseload")
    ).content.decode()

    assert f"{world['flagged'].full_name}</a> <strong" in html
    assert f"{world['clear'].full_name}</a> <strong" not in html


def test_a_removed_flag_leaves_the_banner_and_the_markers(client, practitioner, world):
    from risks.services import risk_flag_remove

    for key in ("staff", "mappa"):
        flag = world[key]
        risk_flag_remove(flag=flag, expected_version=flag.version, reason="Gone.", by=practitioner)

    person_page = _get(client, practitioner, world["flagged"].get_absolute_url())
    list_page = client.get(reverse("referrals:referral_list"))
    register = client.get(reverse("risks:register", args=[world["flagged"].pk]))

    assert "data-person-risk" not in person_page.content.decode()
    assert "data-person-marker" not in list_page.content.decode()
    assert register.content.decode().count("Gone.") == 4  # reason and history, both flags


def test_person_timeline_lists_flag_events_without_notes(client, practitioner, world):
    from risks.services import risk_flag_remove

    flag = world["mappa"]
    risk_flag_remove(
        flag=flag, expected_version=flag.version, reason="Level ended.", by=practitioner
    )

    html = _get(client, practitioner, world["flagged"].get_absolute_url()).content.decode()
    timeline = html[html.index("Timeline") :]
    assert "Risk flag raised: Risk to staff" in timeline
    assert "Risk flag removed: MAPPA category 1, level 2" in timeline
    assert NOTE not in timeline and "Level ended." not in timeline


def test_register_page_queries_do_not_grow_with_flags(client, practitioner, world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from risks.services import risk_flag_review

    one, three = world["clear"], world["flagged"]
    raise_flag(one, practitioner)
    flag = raise_flag(three, practitioner, risk_type=RiskType.WEAPONS)
    risk_flag_review(
        flag=flag,
        expected_version=flag.version,
        reviewed_on=rules.today(),
        next_review_on=rules.today() + days(9),
        note="Checked.",
        by=practitioner,
    )
    client.force_login(practitioner)
    counts = []
    for person in (one, three):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("risks:register", args=[person.pk])).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_a_removed_flag_cannot_be_reviewed_from_an_old_link(client, practitioner, world):
    from risks.services import risk_flag_remove

    flag = world["staff"]
    risk_flag_remove(flag=flag, expected_version=flag.version, reason="Gone.", by=practitioner)
    client.force_login(practitioner)

    response = client.get(reverse("risks:flag_review", args=[flag.pk]), follow=True)

    assert "This flag has been removed: it cannot be changed." in response.content.decode()
    assert RiskFlag.objects.get(pk=flag.pk).events.count() == 2


def test_only_the_self_harm_marker_puts_a_person_first_on_my_work(client, practitioner, site):
    """A risk to life (self-harm or suicide) puts the referral first in "most urgent
    first"; other flags (risk to staff here) tag the row but leave the order to urgency and
    the timeliness target."""
    from django.utils import timezone

    now = timezone.now()
    people = {
        name: PersonFactory(team=practitioner.team, family_name=name)
        for name in ("Older", "Staffrisk", "Selfharm")
    }
    older = ReferralFactory(person=people["Older"], site=site, received_at=now - days(2))
    staff = ReferralFactory(person=people["Staffrisk"], site=site, received_at=now - days(1))
    harm = ReferralFactory(person=people["Selfharm"], site=site, received_at=now)
    raise_flag(people["Staffrisk"], practitioner)
    raise_flag(people["Selfharm"], practitioner, risk_type=RiskType.SELF_HARM)

    html = _get(client, practitioner, reverse("referrals:my_work")).content.decode()

    section = html[html.index('<section id="unassigned">') :]
    order = [section.index(f">{r.reference}<") for r in (harm, older, staff)]
    assert order == sorted(order)
    assert "data-person-marker>Risk flag</strong>" in section
