"""The team workload: each cell equals a direct count for that member and team, at the
boundaries of every measure (the clock and the worlds: workload_world); members over the
threshold are marked. Who sees it: test_team_workload_access.
"""

import datetime
import re

import pytest
from django.urls import reverse

from referrals.enums import OPEN_STATUSES, ReferralStatus
from referrals.models import Referral
from treatment_requirements import workload
from treatment_requirements.enums import OrderStatus
from treatment_requirements.models import Appointment, Failure, Order, ReviewHearing

from .factories import ProbationOfficerFactory, ProbationTeamFactory
from .workload_world import (
    ANN,
    NOW,
    TODAY,
    at,
    clock_fixture,  # noqa: F401 - a fixture
    ld_fixture,  # noqa: F401 - a fixture
    order_held,
    unit_fixture,  # noqa: F401 - a fixture
    workload_table,
)

# Probation team ---------------------------------------------------------------------------

ZERO = dict.fromkeys(ANN, 0)


def test_probation_workload_counts_each_officer_at_every_boundary(unit):
    table = workload_table(unit["unit"])

    assert table == {
        unit["ann"].pk: ANN,
        unit["ben"].pk: ZERO | {"active_orders": 1, "appointments_this_week": 1},
        unit["cal"].pk: ZERO,
        "elsewhere": ZERO | {"active_orders": 1},
    }
    # Dee's unit has the same items: its own table counts them, never Ann's.
    assert workload_table(unit["other"]) == {unit["dee"].pk: ANN}


def _direct_counts(officer, team) -> dict:
    """Each measure counted directly for one officer, one query per figure."""
    active = Order.objects.filter(
        responsible_officer=officer, probation_team=team, status=OrderStatus.ACTIVE
    )
    appointments = Appointment.objects.filter(order__in=active)
    week_start, week_end = at(24, 0), at(31, 0)
    return {
        "active_orders": active.count(),
        "appointments_this_week": appointments.filter(
            starts_at__gte=week_start, starts_at__lt=week_end
        ).count(),
        "outcomes_overdue": appointments.filter(starts_at__lt=NOW, outcome="").count(),
        "enforcement_due": Failure.objects.filter(
            order__in=active, action="", deadline__lte=datetime.date(2026, 9, 3)
        ).count(),
        "reviews_due": ReviewHearing.objects.filter(
            order__in=active,
            review_date__gte=TODAY,
            review_date__lte=datetime.date(2026, 9, 9),
        ).count(),
        "ending_soon": active.filter(end_date__lte=datetime.date(2026, 9, 23)).count(),
    }


def test_probation_workload_equals_a_direct_count_for_each_member(unit):
    table = workload_table(unit["unit"])

    for name in ("ann", "ben", "cal"):
        assert table[unit[name].pk] == _direct_counts(unit[name], unit["unit"]), name


def test_an_officer_over_the_threshold_is_marked(clock, settings):
    settings.LD_WORKLOAD_THRESHOLD = 2  # as 49, 50 and 51 against 50, with fewer orders
    unit = ProbationTeamFactory(name="Threshold unit")
    held = {}
    for count, name in [(1, "Under"), (2, "At"), (3, "Over")]:
        officer = ProbationOfficerFactory(team=unit, first_name=name)
        for _ in range(count):
            order_held(officer)
        held[officer.pk] = count

    table = workload.team_workload(team=unit, today=TODAY, now=NOW)

    marked = {row.member.first_name: row.over_threshold for row in table.rows}
    assert marked == {"At": False, "Over": True, "Under": False}
    assert {row.member.pk: row.cells[0].count for row in table.rows} == held


def test_active_orders_link_to_the_caseload_filtered_by_officer_id(unit):
    table = workload.team_workload(team=unit["unit"], today=TODAY, now=NOW, link_orders=True)

    ann = next(row for row in table.rows if row.member == unit["ann"])
    assert [cell.url for cell in ann.cells] == [
        f"/orders/all/?cases=team&officer={unit['ann'].pk}",
        "",
        "",
        "",
        "",
        "",
    ]
    unlinked = workload.team_workload(team=unit["unit"], today=TODAY, now=NOW)
    assert {cell.url for row in unlinked.rows for cell in row.cells} == {""}


# L&D team ---------------------------------------------------------------------------------


PAT = {
    "open": 4,
    "received_this_week": 4,
    "awaiting_screening": 2,
    "awaiting_assessment": 1,
    "overdue": 2,
    "reoffending_due": 1,
}


def test_ld_workload_counts_each_practitioner_and_the_unassigned(ld):
    table = workload_table(ld["team"])

    assert table == {
        ld["pat"].pk: PAT,
        ld["rob"].pk: dict.fromkeys(PAT, 0)
        | {"open": 1, "received_this_week": 1, "awaiting_screening": 1},
        ld["lead"].pk: dict.fromkeys(PAT, 0),
        "none": PAT,
        "elsewhere": dict.fromkeys(PAT, 0)
        | {"open": 2, "received_this_week": 2, "awaiting_screening": 2},
    }


def test_ld_workload_equals_a_direct_count_for_each_member(ld):
    table = workload_table(ld["team"])

    for name in ("pat", "rob", "lead"):
        mine = Referral.objects.filter(team=ld["team"], assigned_to=ld[name])
        direct = {
            "open": mine.filter(status__in=OPEN_STATUSES).count(),
            "received_this_week": mine.filter(
                received_at__gte=at(24, 0), received_at__lt=at(31, 0)
            ).count(),
            "awaiting_screening": mine.filter(status=ReferralStatus.RECEIVED).count(),
            "awaiting_assessment": mine.filter(status=ReferralStatus.SCREENED).count(),
        }
        assert {k: table[ld[name].pk][k] for k in direct} == direct, name


def test_ld_cells_link_to_the_referral_list_by_assignee_id(ld, client):
    client.force_login(ld["lead"])

    response = client.get(reverse("treatment_requirements:team_workload"))

    html = response.content.decode()
    row = re.search(rf'data-member="{ld["pat"].pk}".*?</tr>', html, re.S).group(0)
    links = re.findall(r'data-measure="(\w+)"><a class="govuk-link" href="([^"]+)">(\d+)</a>', row)
    pat = ld["pat"].pk
    assert links == [
        ("open", f"/referrals/?assignee={pat}&amp;status=open", "4"),
        (
            "received_this_week",
            f"/referrals/?assignee={pat}&amp;received_from=2026-08-24&amp;received_to=2026-08-30",
            "4",
        ),
        ("awaiting_screening", f"/referrals/?assignee={pat}&amp;status=received", "2"),
        ("awaiting_assessment", f"/referrals/?assignee={pat}&amp;status=screened", "1"),
        ("overdue", f"/referrals/?assignee={pat}&amp;queue=overdue", "2"),
        ("reoffending_due", f"/referrals/?assignee={pat}&amp;queue=reoffending", "1"),
    ]
    assert "Pat" in row


@pytest.mark.parametrize(
    ("query", "expected"),
    [("status=open", 4), ("status=received", 2), ("queue=overdue", 2)],
)
def test_the_referral_list_filtered_by_assignee_lists_what_the_cell_counts(
    ld, client, query, expected
):
    client.force_login(ld["lead"])

    response = client.get(f"/referrals/?assignee={ld['pat'].pk}&{query}")

    assert response.status_code == 200
    assert len(response.context["rows"]) == expected
    assert {r.assigned_to_id for r in response.context["rows"]} == {ld["pat"].pk}


def test_the_referral_list_filtered_as_not_assigned_lists_the_unassigned(ld, client):
    client.force_login(ld["lead"])

    response = client.get("/referrals/?assignee=none&status=open")

    assert response.status_code == 200
    assert [r.assigned_to_id for r in response.context["rows"]] == [None] * 4


def test_ld_member_over_the_threshold_is_marked_with_text(ld, client, settings):
    settings.LD_WORKLOAD_THRESHOLD = 3  # Pat holds 4 open referrals, Rob 1
    client.force_login(ld["lead"])

    html = client.get(reverse("treatment_requirements:team_workload")).content.decode()

    rows = re.findall(r'<tr class="govuk-table__row" data-member="(\w+)">(.*?)</tr>', html, re.S)
    marked = [member for member, row in rows if "Over 3</strong>" in row]
    assert marked == [str(ld["pat"].pk)]
