"""The overnight snapshot: figures equal a direct count, reruns change nothing, gaps fill."""

import datetime
from collections import Counter

import pytest
import time_machine
from django.db.models import Sum
from django.utils import timezone

from referrals.enums import ClosureReason, Gender, ReferralSource, ReferralStatus
from referrals.models import Ethnicity, Vulnerability
from referrals.pathway import timeliness_target
from reporting import overnight
from reporting.models import (
    DemographicFact,
    ReferralFact,
    ReportingRun,
    RunStatus,
    VulnerabilityFact,
)
from reporting.snapshots import cutoff_for, rebuild_day
from tests.factories import PersonFactory, ReferralFactory, SiteFactory, TeamFactory

DAY = datetime.date(2026, 3, 10)
LONDON_NOON = datetime.time(12, 0)


def at(day, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def records(db):
    """A spread of referrals over two teams, several sources, stages and people."""
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    sites = [SiteFactory(team=team_a), SiteFactory(team=team_a), SiteFactory(team=team_b)]
    white = Ethnicity.objects.create(code="t-white-english", name="English", group="White")
    mh = Vulnerability.objects.create(code="t-mental-health", name="Mental health")
    sub = Vulnerability.objects.create(code="t-substance", name="Substance misuse")
    people = [
        PersonFactory(team=team_a, gender=Gender.FEMALE, date_of_birth=datetime.date(2008, 3, 10)),
        PersonFactory(team=team_a, gender=Gender.MALE, date_of_birth=datetime.date(2008, 3, 2)),
        PersonFactory(team=team_b, gender=Gender.MALE, ethnicity=white, is_veteran=True),
        PersonFactory(
            team=team_b, gender=Gender.NOT_STATED, date_of_birth=datetime.date(1950, 1, 1)
        ),
    ]
    sources = [ReferralSource.POLICE_CUSTODY, ReferralSource.MAGISTRATES_COURT, ReferralSource.SELF]
    made = []
    for i in range(24):
        person = people[i % 4]
        site = sites[i % 3]
        received = at(DAY - datetime.timedelta(days=i * 9), hour=(i * 5) % 24)
        ref = ReferralFactory(
            person=person, team=site.team, site=site, source=sources[i % 3], received_at=received
        )
        if i % 4 != 0:  # screened, some late
            ref.screened_at = received + datetime.timedelta(hours=(i % 5) * 6)
            ref.status = ReferralStatus.SCREENED
        if i % 4 == 2:
            ref.assessed_at = ref.screened_at + datetime.timedelta(hours=30)
            ref.status = ReferralStatus.ASSESSED
        if i % 6 == 5:
            ref.status, ref.closure_reason = ReferralStatus.CLOSED, ClosureReason.DECLINED
            ref.closed_at = received + datetime.timedelta(days=2)
        ref.save()
        ref.vulnerabilities.set([mh] if i % 2 else [mh, sub] if i % 3 else [])
        made.append(ref)
    # Received after the day ends (London): must not be counted for DAY.
    ReferralFactory(
        person=people[0],
        team=team_a,
        site=sites[0],
        received_at=at(DAY, 23, 59) + datetime.timedelta(hours=1),
    )
    return made


def _stage(ref, cutoff):
    if ref.status == ReferralStatus.CLOSED and (ref.closed_at is None or ref.closed_at < cutoff):
        return "closed"
    if ref.assessed_at and ref.assessed_at < cutoff:
        return "assessed"
    if ref.screened_at and ref.screened_at < cutoff:
        return "screened"
    return "received"


def _age_band(age):
    for bound, code in [
        (18, "under_18"),
        (25, "18_24"),
        (35, "25_34"),
        (45, "35_44"),
        (55, "45_54"),
        (65, "55_64"),
    ]:
        if age < bound:
            return code
    return "65_plus"


def _direct_counts(refs, cutoff):
    """The same figures counted in Python over the same records."""
    by_stage, demo, vuln = Counter(), Counter(), Counter()
    screened_in = overdue = 0
    for r in refs:
        if r.received_at >= cutoff:
            continue
        target = r.received_at + timeliness_target(r.source)
        stage = _stage(r, cutoff)
        by_stage[(r.team_id, r.site_id, r.source, stage)] += 1
        if r.screened_at and r.screened_at < cutoff and r.screened_at <= target:
            screened_in += 1
        if stage in ("received", "screened") and cutoff > target:
            overdue += 1
        local = timezone.localtime(r.received_at).date()
        band = _age_band(r.person.age_on(local))
        eth = r.person.ethnicity.group if r.person.ethnicity else "Not stated"
        demo[(r.team_id, r.person.gender, band, eth, local.replace(day=1))] += 1
        for v in r.vulnerabilities.all():
            vuln[(r.team_id, v.code)] += 1
    return by_stage, demo, vuln, screened_in, overdue


def _facts(day):
    stage = Counter()
    for row in (
        ReferralFact.objects.filter(snapshot_date=day)
        .values("team_id", "site_id", "source", "stage")
        .annotate(n=Sum("referrals"))
    ):
        stage[(row["team_id"], row["site_id"], row["source"], row["stage"])] = row["n"]
    demo = Counter()
    for row in (
        DemographicFact.objects.filter(snapshot_date=day)
        .values("team_id", "gender", "age_band", "ethnicity_group", "month")
        .annotate(n=Sum("referrals"))
    ):
        demo[
            (row["team_id"], row["gender"], row["age_band"], row["ethnicity_group"], row["month"])
        ] = row["n"]
    vuln = Counter()
    for row in (
        VulnerabilityFact.objects.filter(snapshot_date=day)
        .values("team_id", "vulnerability")
        .annotate(n=Sum("referrals"))
    ):
        vuln[(row["team_id"], row["vulnerability"])] = row["n"]
    return stage, demo, vuln


def test_snapshot_figures_equal_direct_count(records):
    rebuild_day(DAY)

    by_stage, demo, vuln, screened_in, overdue = _direct_counts(records, cutoff_for(DAY))
    stage_facts, demo_facts, vuln_facts = _facts(DAY)
    totals = ReferralFact.objects.filter(snapshot_date=DAY).aggregate(
        s=Sum("screened_within_target"), o=Sum("overdue"), n=Sum("referrals")
    )
    assert stage_facts == by_stage
    assert demo_facts == demo
    assert vuln_facts == vuln
    assert (totals["s"], totals["o"], totals["n"]) == (screened_in, overdue, 24)


def test_snapshot_of_an_earlier_day_counts_stages_as_they_were(records):
    earlier = DAY - datetime.timedelta(days=60)
    rebuild_day(earlier)

    by_stage, _demo, _vuln, _s, overdue = _direct_counts(records, cutoff_for(earlier))
    stage_facts, _d, _v = _facts(earlier)
    assert stage_facts == by_stage
    assert (
        ReferralFact.objects.filter(snapshot_date=earlier).aggregate(o=Sum("overdue"))["o"]
        == overdue
    )


def test_snapshot_people_and_cohorts_count_each_person_once(records):
    rebuild_day(DAY)

    facts = DemographicFact.objects.filter(snapshot_date=DAY)
    veterans = facts.aggregate(v=Sum("veterans"))["v"]
    assert veterans == sum(1 for r in records if r.person.is_veteran)
    one_row = (
        facts.filter(gender=Gender.NOT_STATED).values("team_id", "month").annotate(p=Sum("people"))
    )
    assert all(row["p"] == 1 for row in one_row)


def test_snapshot_rerun_changes_nothing(records):
    rebuild_day(DAY)
    first = sorted(
        ReferralFact.objects.filter(snapshot_date=DAY).values_list(
            "month",
            "team_id",
            "site_id",
            "source",
            "stage",
            "closure_reason",
            "referrals",
            "screened",
            "screened_within_target",
            "assessed",
            "assessed_within_target",
            "overdue",
        )
    )
    first_demo = sorted(
        DemographicFact.objects.values_list("month", "gender", "age_band", "referrals", "people")
    )

    rebuild_day(DAY)

    again = sorted(
        ReferralFact.objects.filter(snapshot_date=DAY).values_list(
            "month",
            "team_id",
            "site_id",
            "source",
            "stage",
            "closure_reason",
            "referrals",
            "screened",
            "screened_within_target",
            "assessed",
            "assessed_within_target",
            "overdue",
        )
    )
    assert again == first
    assert (
        sorted(
            DemographicFact.objects.values_list(
                "month", "gender", "age_band", "referrals", "people"
            )
        )
        == first_demo
    )


def test_overnight_run_catches_up_a_missed_night(records):
    with time_machine.travel(at(DAY + datetime.timedelta(days=1), 2), tick=False):
        overnight.overnight_run()
    # The worker was down on the night after DAY + 1: nothing ran.
    with time_machine.travel(at(DAY + datetime.timedelta(days=3), 2), tick=False):
        runs = overnight.overnight_run()

    assert [r.snapshot_date for r in runs] == [
        DAY + datetime.timedelta(days=1),
        DAY + datetime.timedelta(days=2),
    ]
    assert all(r.status == RunStatus.SUCCEEDED for r in runs)
    days = set(ReferralFact.objects.values_list("snapshot_date", flat=True))
    assert days == {DAY, DAY + datetime.timedelta(days=1), DAY + datetime.timedelta(days=2)}
    assert ReportingRun.latest_snapshot_date() == DAY + datetime.timedelta(days=2)


def test_overnight_run_twice_in_a_night_builds_nothing_more(records):
    with time_machine.travel(at(DAY + datetime.timedelta(days=1), 2), tick=False):
        overnight.overnight_run()
        rows = ReferralFact.objects.count()
        second = overnight.overnight_run()

    assert second == []
    assert ReferralFact.objects.count() == rows


def test_overnight_run_records_a_failure_without_half_a_snapshot(records, monkeypatch):
    def broken(day, cutoff):
        raise RuntimeError("disk full")

    monkeypatch.setattr("reporting.snapshots.EXTRA_BUILDERS", [broken])

    run = overnight.build_day(DAY, trigger="test")

    assert (run.status, run.error) == (RunStatus.FAILED, "RuntimeError: disk full")
    assert run.finished_at is not None
    assert not ReferralFact.objects.filter(snapshot_date=DAY).exists()
    assert ReportingRun.latest_snapshot_date() is None


def test_build_snapshots_command_builds_a_date_range(records, capsys):
    from django.core.management import call_command

    call_command("build_snapshots", "--from", "2026-03-08", "--to", "2026-03-10")

    out = capsys.readouterr().out
    assert out.count("Succeeded") == 3
    assert set(ReferralFact.objects.values_list("snapshot_date", flat=True)) == {
        datetime.date(2026, 3, 8),
        datetime.date(2026, 3, 9),
        DAY,
    }


def test_build_snapshots_command_refuses_a_backwards_range(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--to must not be before --from"):
        call_command("build_snapshots", "--from", "2026-03-10", "--to", "2026-03-08")


def test_prune_keeps_recent_days_and_month_ends(records, settings):
    settings.LD_SNAPSHOT_KEEP_DAILY_DAYS = 10
    days = [datetime.date(2026, 1, 30), datetime.date(2026, 1, 31), datetime.date(2026, 3, 9)]
    for day in days:
        overnight.build_day(day)

    overnight.prune_old_snapshots(today=datetime.date(2026, 3, 10))

    kept = set(ReferralFact.objects.values_list("snapshot_date", flat=True))
    assert kept == {datetime.date(2026, 1, 31), datetime.date(2026, 3, 9)}


def test_overnight_run_tells_subscribed_commissioners(records):
    from accounts.enums import Role
    from notifications.models import Reminder
    from notifications.services import preference_update
    from tests.factories import UserFactory

    commissioner = UserFactory(role=Role.COMMISSIONER)
    preference_update(
        user=commissioner, daily_digest=False, email_enabled=True, dashboard_updates=True
    )

    with time_machine.travel(at(DAY + datetime.timedelta(days=1), 2), tick=False):
        overnight.overnight_run()

    reminder = Reminder.objects.get()
    assert reminder.recipient == commissioner
    assert reminder.title == "The dashboards are updated with figures to the end of 10 March 2026"


def test_age_band_turns_on_the_18th_birthday(records):
    rebuild_day(DAY)

    bands = set(
        DemographicFact.objects.filter(gender=Gender.FEMALE).values_list("age_band", flat=True)
    )
    # Born 10 March 2008: 18 on the day of the referral received on 10 March 2026, 17 before.
    assert bands == {"under_18", "18_24"}
