"""Each dashboard figure equals a direct count over the known data set (known_data.py).

Team leads see exact figures for their own team; commissioners see the same counts through
the small-number rule, so each of their figures equals suppress(direct count).
"""

from collections import Counter

from django.test import Client
from django.urls import reverse

from accounts.enums import Role
from referrals.enums import Gender, ReferralSource
from reporting.disclosure import suppress
from tests.factories import UserFactory

from .known_data import SNAPSHOT_DAY, build_pathway_data
from .screens import dashboard_table

# The figures: the latest run, the two fact tables, the names of sites, teams and
# vulnerabilities (6); the filter's team list (1); the page around them: the session, the
# user with their team, the inbox count (3). The same whatever the data volume. (The session
# is not saved on every request: accounts.middleware.SessionTouchMiddleware.)
QUERIES_PER_PAGE = 10


def _direct(referrals, attribute):
    return Counter(attribute(r) for r in referrals)


def test_referrals_by_team_equal_direct_count_suppressed_for_commissioner(
    commissioner_client, known_data
):
    direct = _direct(known_data.counted(), lambda r: r.team.name)

    shown = dashboard_table(commissioner_client, "referrals-by-team")

    assert direct == {"Fenland L&D": 22, "Norwich L&D": 3}
    assert {team: row[0] for team, row in shown.items()} == {
        team: suppress(n) for team, n in direct.items()
    }


def test_referrals_by_source_and_site_equal_direct_count(commissioner_client, known_data):
    counted = known_data.counted()
    by_source = _direct(counted, lambda r: r.get_source_display())
    by_site = _direct(counted, lambda r: r.site.name)

    sources = dashboard_table(commissioner_client, "referrals-by-source")
    sites = dashboard_table(commissioner_client, "referrals-by-site")

    assert {k: v[0] for k, v in sources.items()} == {k: suppress(n) for k, n in by_source.items()}
    assert {k: v[1] for k, v in sites.items()} == {k: suppress(n) for k, n in by_site.items()}


def test_referrals_by_month_equal_direct_count(fenland_lead_client, known_data):
    direct = _direct(
        known_data.counted().filter(team=known_data.team_a),
        lambda r: r.received_at.strftime("%b %Y"),
    )

    shown = dashboard_table(fenland_lead_client, "referrals-by-month")

    assert {month: row[0] for month, row in shown.items() if row[0]} == direct
    assert len(shown) == 12  # every month of the period, with 0 where there were none


def test_team_lead_sees_exact_figures_for_own_team_only(fenland_lead_client, known_data):
    shown = dashboard_table(fenland_lead_client, "referrals-by-team", team=known_data.team_b.pk)

    assert {team: row[0] for team, row in shown.items()} == {"Fenland L&D": 22}


def test_who_is_reached_equals_direct_count(fenland_lead_client, known_data):
    fenland = known_data.counted().filter(team=known_data.team_a)

    genders = dashboard_table(fenland_lead_client, "gender")
    ages = dashboard_table(fenland_lead_client, "age-band")
    ethnicity = dashboard_table(fenland_lead_client, "ethnicity")
    needs = dashboard_table(fenland_lead_client, "vulnerabilities")

    assert genders["Female"][0] == fenland.filter(person__gender=Gender.FEMALE).count() == 13
    assert genders["Male"][0] == 9
    assert genders["Female"][1] == 59  # 13 of 22, from unrounded counts
    assert (ages["18 to 24"][0], ages["25 to 34"][0]) == (9, 13)
    assert (ethnicity["White"][0], ethnicity["Not stated"][0]) == (13, 9)
    assert (needs["Mental health"][0], needs["Substance misuse"][0]) == (13, 9)


def test_cohort_women_in_one_team_counts_only_them(commissioner_client, known_data):
    direct = known_data.counted().filter(team=known_data.team_a, person__gender=Gender.FEMALE)

    shown = dashboard_table(
        commissioner_client, "referrals-by-team", cohort="women", team=known_data.team_a.pk
    )

    assert direct.count() == 13
    assert shown == {"Fenland L&D": [15, 100]}


def test_cohorts_young_adults_and_veterans(fenland_lead_client, commissioner_client, known_data):
    young = dashboard_table(fenland_lead_client, "referrals-by-source", cohort="18_24")
    veterans = dashboard_table(commissioner_client, "referrals-by-team", cohort="veterans")

    assert {k: v[0] for k, v in young.items()} == {"Magistrates' court": 9}
    assert {k: v[0] for k, v in veterans.items()} == {"Norwich L&D": "*"}


def test_source_filter_limits_every_figure(fenland_lead_client, known_data):
    shown = dashboard_table(fenland_lead_client, "funnel", source=ReferralSource.POLICE_CUSTODY)

    assert shown["Referred"][0] == 13
    assert shown["Assessed"][0] == 0


def test_timeliness_equals_direct_count(fenland_lead_client, known_data):
    fenland = list(known_data.counted().filter(team=known_data.team_a))
    screened_hours = sorted(
        int((r.screened_at - r.received_at).total_seconds() // 3600) for r in fenland
    )
    assessed = [r for r in fenland if r.assessed_at]

    shown = dashboard_table(fenland_lead_client, "timeliness")

    assert shown["Referral to screening"] == [22, 4.0, 13, 59]
    assert screened_hours[10] == screened_hours[11] == 4
    assert shown["Referral to assessment"] == [len(assessed), 40.0, 0, 0]


def test_timeliness_median_over_few_people_is_hidden_from_commissioner(
    commissioner_client, known_data
):
    shown = dashboard_table(commissioner_client, "timeliness")

    # 13 of 22 screened within target: shown as 15 of 20, so 75% (not 59% of the exact
    # counts, which with the rounded counts would pin them down).
    assert shown["Referral to screening"] == [20, 4.0, 15, 75]
    assert shown["Referral to assessment"] == ["*", "*", 0, "*"]


def test_funnel_equals_direct_count(commissioner_client, known_data):
    counted = known_data.counted()

    shown = dashboard_table(commissioner_client, "funnel")

    assert shown["Referred"] == [suppress(counted.count()), 100]
    # 22 of 25 screened: 88% would give away the 3 not screened (the complement is 1 to 7).
    assert shown["Screened"] == [suppress(counted.filter(screened_at__isnull=False).count()), "*"]
    assert shown["Assessed"] == ["*", "*"]  # 5 of 25 = 20% would reveal the 5


def test_headlines_and_refresh_time_shown(commissioner_client, known_data):
    response = commissioner_client.get(reverse("reporting:dashboard"))

    headlines = {h.label: h.value for h in response.context["dashboard"].headlines}
    assert headlines["referrals received"] == 25
    assert headlines["screened within target"] == "75%"  # 15 of 20 shown; 13 of 22 exactly
    assert "data last refreshed 10:00 on 23 November 2026" in response.text
    # The period ends with the snapshot (the end of 22 November), not today.
    assert f"December 2025 to {SNAPSHOT_DAY.day} November 2026" in response.text


def test_headlines_show_the_named_figures_their_tables_show(commissioner_client, known_data):
    dashboard = commissioner_client.get(reverse("reporting:dashboard")).context["dashboard"]

    headlines = {h.label: h.value for h in dashboard.headlines}
    screening = {row[0]: row[1:] for row in dashboard.table("timeliness").rows}[
        "Referral to screening"
    ]
    assert headlines["median hours from referral to screening"] == screening[1] == 4.0
    assert headlines["screened within target"] == f"{screening[3]}%" == "75%"
    assert headlines["appointments kept"] == "-"  # no appointments in the known data


def test_dashboard_query_count_does_not_grow_with_the_data(
    commissioner_client, known_data, django_assert_num_queries
):
    url = reverse("reporting:dashboard")
    with django_assert_num_queries(QUERIES_PER_PAGE):
        commissioner_client.get(url, {"cohort": "women"})

    build_pathway_data(known_data)  # more referrals, orders, appointments and outcomes

    with django_assert_num_queries(QUERIES_PER_PAGE):
        commissioner_client.get(url, {"cohort": "women"})


def test_team_lead_of_another_team_sees_none_of_this_teams_figures(known_data):
    client = Client()
    client.force_login(UserFactory(role=Role.TEAM_LEAD, team=known_data.team_b))

    response = client.get(reverse("reporting:dashboard"), {"team": known_data.team_a.pk})
    export = client.get(reverse("reporting:export_workbook"), {"team": known_data.team_a.pk})

    teams = {
        row[0]: row[1] for row in response.context["dashboard"].table("referrals-by-team").rows
    }
    assert teams == {"Norwich L&D": 3}
    assert "Wisbech custody suite" not in response.text
    assert response.context["dashboard"].headlines[0].value == 3
    assert export.status_code == 200
