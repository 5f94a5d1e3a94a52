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
from reporting.dashboard_facts import build_cohort_referral_facts
from reporting.models import CohortBreakdownFact, CohortReferralFact, ReportingRun, RunStatus
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
    pathway, demo, vuln = Counter(), Counter(), Counter()
    screened_in = 0
    for r in refs:
        if r.received_at >= cutoff:
            continue
        target = r.received_at + timeliness_target(r.source)
        key = (r.team_id, r.site_id, r.source)
        pathway[(*key, "referrals")] += 1
        if r.screened_at and r.screened_at < cutoff:
            pathway[(*key, "screened")] += 1
            screened_in += r.screened_at <= target
        if r.assessed_at and r.assessed_at < cutoff:
            pathway[(*key, "assessed")] += 1
        local = timezone.localtime(r.received_at).date()
        month = (r.team_id, local.replace(day=1))
        eth = r.person.ethnicity.group if r.person.ethnicity else "Not stated"
        demo[(*month, "gender", r.person.gender)] += 1
        demo[(*month, "age_band", _age_band(r.person.age_on(local)))] += 1
        demo[(*month, "ethnicity", eth)] += 1
        for v in r.vulnerabilities.all():
            vuln[(*month, "vulnerability", v.code)] += 1
    return pathway, demo, vuln, screened_in


def _facts(day):
    pathway = Counter()
    for row in (
        CohortReferralFact.objects.filter(snapshot_date=day)
        .values("team_id", "site_id", "source")
        .annotate(referrals=Sum("referrals"), screened=Sum("screened"), assessed=Sum("assessed"))
    ):
        for name in ("referrals", "screened", "assessed"):
            if row[name]:
                pathway[(row["team_id"], row["site_id"], row["source"], name)] = row[name]
    demo, vuln = Counter(), Counter()
    for row in (
        CohortBreakdownFact.objects.filter(snapshot_date=day, cohort="all")
        .filter(measure__in=["gender", "age_band", "ethnicity", "vulnerability"])
        .values("team_id", "month", "measure", "category")
        .annotate(n=Sum("count"))
    ):
        counter = vuln if row["measure"] == "vulnerability" else demo
        counter[(row["team_id"], row["month"], row["measure"], row["category"])] = row["n"]
    return pathway, demo, vuln


def _rows(model, day):
    fields = [f.attname for f in model._meta.concrete_fields if f.name != "id"]
    return sorted(model.objects.filter(snapshot_date=day).values_list(*fields))


def test_snapshot_figures_equal_direct_count(records):
    rebuild_day(DAY)

    pathway, demo, vuln, screened_in = _direct_counts(records, cutoff_for(DAY))
    pathway_facts, demo_facts, vuln_facts = _facts(DAY)
    totals = CohortReferralFact.objects.filter(snapshot_date=DAY).aggregate(
        s=Sum("screened_within_target"), n=Sum("referrals")
    )
    assert pathway_facts == pathway
    assert demo_facts == demo
    assert vuln_facts == vuln
    assert (totals["s"], totals["n"]) == (screened_in, 24)


def test_snapshot_of_an_earlier_day_counts_stages_as_they_were(records):
    earlier = DAY - datetime.timedelta(days=60)
    rebuild_day(earlier)

    pathway, _demo, _vuln, screened_in = _direct_counts(records, cutoff_for(earlier))
    pathway_facts, _d, _v = _facts(earlier)
    assert pathway_facts == pathway
    assert (
        CohortReferralFact.objects.filter(snapshot_date=earlier).aggregate(
            s=Sum("screened_within_target")
        )["s"]
        == screened_in
    )


def test_snapshot_veterans_cohort_counts_each_veterans_referrals(records):
    rebuild_day(DAY)

    facts = CohortReferralFact.objects.filter(snapshot_date=DAY, is_veteran=True)
    veterans = facts.aggregate(v=Sum("referrals"))["v"]
    assert veterans == sum(1 for r in records if r.person.is_veteran)
    breakdown = CohortBreakdownFact.objects.filter(
        snapshot_date=DAY, cohort="veterans", measure="gender"
    ).aggregate(n=Sum("count"))["n"]
    assert breakdown == veterans


def test_snapshot_rerun_changes_nothing(records):
    rebuild_day(DAY)
    first = [_rows(CohortReferralFact, DAY), _rows(CohortBreakdownFact, DAY)]

    rebuild_day(DAY)

    assert [_rows(CohortReferralFact, DAY), _rows(CohortBreakdownFact, DAY)] == first
    assert first[0] and first[1]


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
    days = set(CohortReferralFact.objects.values_list("snapshot_date", flat=True))
    assert days == {DAY, DAY + datetime.timedelta(days=1), DAY + datetime.timedelta(days=2)}
    assert ReportingRun.latest_snapshot_date() == DAY + datetime.timedelta(days=2)


def test_overnight_run_twice_in_a_night_builds_nothing_more(records):
    with time_machine.travel(at(DAY + datetime.timedelta(days=1), 2), tick=False):
        overnight.overnight_run()
        rows = CohortReferralFact.objects.count()
        second = overnight.overnight_run()

    assert second == []
    assert CohortReferralFact.objects.count() == rows


def test_overnight_run_records_a_failure_without_half_a_snapshot(records, monkeypatch):
    def broken(day, cutoff):
        raise RuntimeError("disk full")

    # The referral facts are written first, then the build fails: none of them may stay.
    monkeypatch.setattr("reporting.snapshots.BUILDERS", [build_cohort_referral_facts, broken])

    run = overnight.build_day(DAY, trigger="test")

    assert (run.status, run.error) == (RunStatus.FAILED, "RuntimeError: disk full")
    assert run.finished_at is not None
    assert not CohortReferralFact.objects.filter(snapshot_date=DAY).exists()
    assert ReportingRun.latest_snapshot_date() is None


def test_build_snapshots_command_builds_a_date_range(records, capsys):
    from django.core.management import call_command

    call_command("build_snapshots", "--from", "2026-03-08", "--to", "2026-03-10")

    out = capsys.readouterr().out
    assert out.count("Succeeded") == 3
    assert set(CohortReferralFact.objects.values_list("snapshot_date", flat=True)) == {
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

    kept = set(CohortReferralFact.objects.values_list("snapshot_date", flat=True))
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
        CohortBreakdownFact.objects.filter(
            snapshot_date=DAY, cohort="women", measure="age_band"
        ).values_list("category", flat=True)
    )
    # Born 10 March 2008: 18 on the day of the referral received on 10 March 2026, 17 before.
    assert bands == {"under_18", "18_24"}
