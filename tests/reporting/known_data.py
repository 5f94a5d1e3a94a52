"""A small known data set for the dashboard tests, built with factories and run through
the real overnight snapshot build, so each figure can be compared with a direct count.
Used by tests/reporting/conftest.py and the browser test.

The clock is frozen at 10:00 on 23 November 2026 (London); the snapshot is for 22 November.
"""

import datetime
from dataclasses import dataclass, field
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from accounts.enums import Role, SiteKind, TeamKind
from referrals.enums import Gender, ReferralSource, ReferralStatus
from referrals.models import Ethnicity, Referral, Vulnerability
from reporting.overnight import build_day
from tests.factories import PersonFactory, ReferralFactory, SiteFactory, TeamFactory, UserFactory

LONDON = ZoneInfo("Europe/London")
NOW = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
SNAPSHOT_DAY = datetime.date(2026, 11, 22)
# Distinctive identifiers: no commissioner response may contain any of them.
WOMAN_NAME = ("Philomena", "Quixley-Fairbrother")
MAN_NAME = ("Barnabus", "Oyelaran-Whitcombe")
VETERAN_NAME = ("Thaddeus", "Mulgrew-Ashcombe")
PRACTITIONER_NAME = ("Ottoline", "Verity-Lansdowne")


@dataclass
class KnownData:
    team_a: object
    team_b: object
    referrals: list = field(default_factory=list)
    people: list = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)

    def counted(self):
        """The referrals the snapshot for SNAPSHOT_DAY covers (received before its end)."""
        cutoff = datetime.datetime.combine(
            SNAPSHOT_DAY + datetime.timedelta(days=1), datetime.time(), tzinfo=LONDON
        )
        return Referral.objects.filter(received_at__lt=cutoff)


def _person(
    team, creator, name, *, gender, age, received, veteran=False, ethnicity=None, nhs_number=None
):
    given, family = name
    kwargs = {"nhs_number": nhs_number} if nhs_number else {}
    return PersonFactory(
        team=team,
        created_by=creator,
        given_name=given,
        family_name=family,
        gender=gender,
        date_of_birth=received.date() - relativedelta(years=age, days=10),
        is_veteran=veteran,
        ethnicity=ethnicity,
        **kwargs,
    )


def _referrals(
    data,
    creator,
    *,
    count,
    team,
    site,
    source,
    received,
    name,
    gender,
    age,
    veteran=False,
    ethnicity=None,
    screened_after=None,
    assessed_after=None,
    assessed_count=0,
    vulnerabilities=(),
):
    for i in range(count):
        at = received + datetime.timedelta(hours=i)
        person = _person(
            team,
            creator,
            (name[0], f"{name[1]}{i}"),
            gender=gender,
            age=age,
            received=at,
            veteran=veteran,
            ethnicity=ethnicity,
        )
        data.people.append(person)
        data.identifiers += [person.given_name, person.family_name, person.nhs_number]
        referral = ReferralFactory(
            person=person,
            team=team,
            site=site,
            source=source,
            received_at=at,
            created_by=creator,
            referrer_name="Sgt Hermione Castellano-Brightwater",
            case_reference=f"ZZCASE/{team.pk}/{source}/{i}",
        )
        if screened_after is not None:
            referral.screened_at = at + screened_after
            referral.status = ReferralStatus.SCREENED
        if i < assessed_count:
            referral.assessed_at = at + assessed_after
            referral.status = ReferralStatus.ASSESSED
        referral.save()
        referral.vulnerabilities.set(vulnerabilities)
        data.referrals.append(referral)


def _known_places():
    """Two L&D teams with their sites, the practitioner who records, and coded lists."""
    team_a = TeamFactory(name="Fenland L&D", kind=TeamKind.LIAISON_DIVERSION)
    team_b = TeamFactory(name="Norwich L&D", kind=TeamKind.LIAISON_DIVERSION)
    return SimpleNamespace(
        team_a=team_a,
        team_b=team_b,
        site_a1=SiteFactory(team=team_a, name="Wisbech custody suite", kind=SiteKind.CUSTODY_SUITE),
        site_a2=SiteFactory(
            team=team_a, name="Peterborough magistrates' court", kind=SiteKind.MAGISTRATES_COURT
        ),
        site_b=SiteFactory(team=team_b, name="Norwich community hub", kind=SiteKind.COMMUNITY),
        creator=UserFactory(
            role=Role.PRACTITIONER,
            team=team_a,
            first_name=PRACTITIONER_NAME[0],
            last_name=PRACTITIONER_NAME[1],
        ),
        mental_health=Vulnerability.objects.create(code="t-mental-health", name="Mental health"),
        substance=Vulnerability.objects.create(code="t-substance", name="Substance misuse"),
        white=Ethnicity.objects.create(
            code="t-white", name="Any other White background", group="White"
        ),
    )


def _known_batches(places) -> list[dict]:
    """The four groups of referrals described in build_known_data, in that order."""
    return [
        {
            "count": 13,
            "team": places.team_a,
            "site": places.site_a1,
            "source": ReferralSource.POLICE_CUSTODY,
            "received": datetime.datetime(2026, 10, 5, 9, tzinfo=LONDON),
            "name": WOMAN_NAME,
            "gender": Gender.FEMALE,
            "age": 30,
            "ethnicity": places.white,
            "screened_after": datetime.timedelta(hours=4),
            "vulnerabilities": [places.mental_health],
        },
        {
            "count": 9,
            "team": places.team_a,
            "site": places.site_a2,
            "source": ReferralSource.MAGISTRATES_COURT,
            "received": datetime.datetime(2026, 9, 8, 9, tzinfo=LONDON),
            "name": MAN_NAME,
            "gender": Gender.MALE,
            "age": 20,
            "screened_after": datetime.timedelta(hours=10),
            "assessed_after": datetime.timedelta(hours=40),
            "assessed_count": 5,
            "vulnerabilities": [places.substance],
        },
        {
            "count": 3,
            "team": places.team_b,
            "site": places.site_b,
            "source": ReferralSource.SELF,
            "received": datetime.datetime(2026, 8, 3, 9, tzinfo=LONDON),
            "name": VETERAN_NAME,
            "gender": Gender.MALE,
            "age": 50,
            "veteran": True,
        },
        {
            "count": 1,
            "team": places.team_b,
            "site": places.site_b,
            "source": ReferralSource.POLICE_CUSTODY,
            "received": datetime.datetime(2026, 11, 23, 8, tzinfo=LONDON),
            "name": WOMAN_NAME,
            "gender": Gender.FEMALE,
            "age": 22,
        },
    ]


def build_known_data() -> KnownData:
    """25 referrals counted in the snapshot (22 in Fenland, 3 in Norwich) and 1 after it.

    - 13 women aged 30, Fenland, police custody, October 2026, screened after 4 hours
      (target 12), all with a mental-health need;
    - 9 men aged 20, Fenland, magistrates' court, September 2026, screened after 10 hours
      (target 8: late), 5 of them assessed after 40 hours; substance misuse;
    - 3 veteran men aged 50, Norwich, self-referral, August 2026, not yet screened;
    - 1 woman in Norwich referred on the morning of 23 November: after the snapshot.
    """
    places = _known_places()
    data = KnownData(team_a=places.team_a, team_b=places.team_b)
    for batch in _known_batches(places):
        _referrals(data, places.creator, **batch)
    data.identifiers += ["Castellano-Brightwater", *PRACTITIONER_NAME, "ZZCASE"]
    run = build_day(SNAPSHOT_DAY, trigger="test")
    assert run.error == ""
    return data


def _at(day, hour=10):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=LONDON)


def _order(referral, *, made_on, kinds, ready_on):
    from tests.assessments.factories import signed_assessment
    from tests.treatment_requirements.factories import (
        CourtOutcomeFactory,
        OrderFactory,
        OrderRequirementFactory,
        RecommendationFactory,
    )
    from treatment_requirements.enums import RecommendationStatus

    recommendation = RecommendationFactory(
        assessment=signed_assessment(referral=referral),
        status=RecommendationStatus.READY,
        ready_at=_at(ready_on),
    )
    if made_on is None:
        return None
    outcome = CourtOutcomeFactory(recommendation=recommendation, hearing_date=made_on)
    order = OrderFactory(court_outcome=outcome, made_on=made_on)
    for kind in kinds:
        OrderRequirementFactory(order=order, kind=kind)
    return order


def _appointments(order, outcomes):
    from tests.treatment_requirements.factories import AppointmentFactory

    for day, outcome in outcomes:
        recorded = _at(day, 17) if outcome else None
        AppointmentFactory(
            order=order,
            starts_at=_at(day),
            outcome=outcome,
            excuse="Hospital appointment" if outcome == "acceptable_absence" else "",
            outcome_recorded_at=recorded,
        )


def _measure(order, code, stage, total, on):
    from tests.assessments.factories import InstrumentResponseFactory
    from treatment_requirements.models import OutcomeMeasure

    response = InstrumentResponseFactory(
        assessment=None,
        person=order.person,
        code=code,
        total=total,
        recorded_by=order.responsible_officer,
    )
    OutcomeMeasure.objects.create(
        order=order,
        stage=stage,
        instrument_code=code,
        response=response,
        measured_on=on,
        recorded_by=order.responsible_officer,
    )


def _pathway_orders(refs):
    """Orders of referrals[13] and [14] with appointments, a warning and outcome measures;
    a recommendation without an order for [15]."""
    from tests.treatment_requirements.factories import FailureFactory, FormalWarningFactory
    from treatment_requirements.enums import OrderStatus, RequirementKind

    d = datetime.date
    order13 = _order(
        refs[13],
        made_on=d(2026, 10, 1),
        ready_on=d(2026, 9, 20),
        kinds=[RequirementKind.MHTR_PRIMARY, RequirementKind.ATR],
    )
    order14 = _order(
        refs[14], made_on=d(2026, 10, 1), ready_on=d(2026, 9, 20), kinds=[RequirementKind.DRR]
    )
    _order(refs[15], made_on=None, ready_on=d(2026, 9, 21), kinds=[])
    _appointments(
        order13,
        [
            (d(2026, 10, 8), "attended_complied"),
            (d(2026, 10, 15), "attended_complied"),
            (d(2026, 10, 19), "unacceptable_absence"),
            (d(2026, 11, 24), ""),
        ],
    )
    _appointments(
        order14,
        [
            (d(2026, 10, 8), "attended_complied"),
            (d(2026, 10, 15), "rescheduled"),
            (d(2026, 11, 20), ""),
        ],
    )
    failure = FailureFactory(
        order=order13,
        appointment=order13.appointments.get(outcome="unacceptable_absence"),
        failure_date=d(2026, 10, 19),
        action="warning",
        deadline=d(2026, 11, 2),
    )
    FormalWarningFactory(failure=failure, order=order13, given_on=d(2026, 10, 20))
    _measure(order13, "PHQ-9", "start", 17, d(2026, 10, 2))
    _measure(order13, "PHQ-9", "end", 8, d(2026, 11, 19))
    _measure(order13, "GAD-7", "start", 10, d(2026, 10, 2))
    _measure(order13, "GAD-7", "end", 8, d(2026, 11, 19))
    order13.status, order13.termination_reason = OrderStatus.TERMINATED, "completed"
    order13.terminated_on = d(2026, 11, 20)
    order13.save()


def _old_referrals_with_a_rearrest(known_data: KnownData):
    """Two Fenland women referred in October 2025; the first with an order, re-arrested."""
    from treatment_requirements.enums import ReoffendingKind, RequirementKind
    from treatment_requirements.models import ReoffendingEvent

    refs, d = known_data.referrals, datetime.date
    creator, site = refs[0].created_by, refs[0].site
    old = []
    for i in range(2):
        received = datetime.datetime(2025, 10, 10 + i, 9, tzinfo=LONDON)
        person = _person(
            known_data.team_a,
            creator,
            ("Ermintrude", f"Pankhurst-Vane{i}"),
            gender=Gender.FEMALE,
            age=40,
            received=received,
        )
        known_data.identifiers += [person.family_name, person.nhs_number]
        old.append(
            ReferralFactory(
                person=person,
                team=known_data.team_a,
                site=site,
                source=ReferralSource.POLICE_CUSTODY,
                received_at=received,
                created_by=creator,
            )
        )
    old_order = _order(
        old[0],
        made_on=d(2025, 11, 20),
        ready_on=d(2025, 11, 1),
        kinds=[RequirementKind.MHTR_SECONDARY],
    )
    ReoffendingEvent.objects.create(
        referral=old[0],
        person=old[0].person,
        kind=ReoffendingKind.REARREST,
        occurred_on=d(2026, 1, 15),
        recorded_by=old_order.responsible_officer,
    )


def build_pathway_data(known_data: KnownData) -> KnownData:
    """Treatment pathway for three assessed Fenland men, onward referrals and reoffending.

    - referrals[13..15] have a recommendation ready for court; [13] and [14] an order made
      on 1 October 2026: [13] MHTR (primary) + ATR, completed on 20 November, with 2
      appointments kept, 1 unacceptable absence (and a warning), PHQ-9 17 -> 8 and
      GAD-7 10 -> 8; [14] a DRR with 1 kept, 1 rescheduled, 1 not yet recorded;
    - onward referrals: [15] to a GP (attended), [16] to housing (pending);
    - two Fenland women referred in October 2025 (outside the last 12 months), one
      re-arrested in January 2026.
    """
    from tests.assessments.factories import OnwardReferralFactory

    refs, d = known_data.referrals, datetime.date
    _pathway_orders(refs)
    OnwardReferralFactory(
        referral=refs[15],
        service="gp",
        referred_on=d(2026, 9, 20),
        outcome="attended",
        outcome_on=d(2026, 10, 1),
    )
    OnwardReferralFactory(referral=refs[16], service="housing", referred_on=d(2026, 9, 20))
    _old_referrals_with_a_rearrest(known_data)
    run = build_day(SNAPSHOT_DAY, trigger="test")
    assert run.error == ""
    return known_data


def _small_team_batches(known_data: KnownData, team_c, site_c) -> list[dict]:
    """The five groups of referrals described in build_small_teams_data, in that order."""
    site_a = known_data.referrals[0].site
    site_b = known_data.referrals[-1].site
    hours = datetime.timedelta
    return [
        {
            "team": known_data.team_a,
            "site": site_a,
            "source": ReferralSource.VOLUNTARY_ATTENDANCE,
            "count": 3,
            "received": datetime.datetime(2026, 10, 20, 9, tzinfo=LONDON),
            "gender": Gender.NON_BINARY_OR_OTHER,
            "age": 40,
            "screened_after": hours(hours=4),
        },
        {
            "team": known_data.team_b,
            "site": site_b,
            "source": ReferralSource.VOLUNTARY_ATTENDANCE,
            "count": 10,
            "received": datetime.datetime(2026, 11, 2, 9, tzinfo=LONDON),
            "gender": Gender.MALE,
            "age": 20,
            "screened_after": hours(hours=4),
        },
        {
            "team": known_data.team_b,
            "site": site_b,
            "source": ReferralSource.PROBATION,
            "count": 2,
            "received": datetime.datetime(2026, 10, 12, 9, tzinfo=LONDON),
            "gender": Gender.FEMALE,
            "age": 35,
            "screened_after": hours(hours=2),
        },
        {
            "team": team_c,
            "site": site_c,
            "source": ReferralSource.MAGISTRATES_COURT,
            "count": 4,
            "received": datetime.datetime(2026, 9, 14, 9, tzinfo=LONDON),
            "gender": Gender.FEMALE,
            "age": 22,
            "screened_after": hours(hours=30),
        },
        {
            "team": team_c,
            "site": site_c,
            "source": ReferralSource.POLICE_CUSTODY,
            "count": 8,
            "received": datetime.datetime(2026, 6, 8, 9, tzinfo=LONDON),
            "gender": Gender.MALE,
            "age": 60,
            "screened_after": hours(hours=30),
        },
    ]


def build_small_teams_data(known_data: KnownData) -> KnownData:
    """Small teams for the disclosure attack (tests/reporting/test_disclosure_attack.py), on
    top of the known and pathway data: categories of 1 to 7 people everywhere.

    - Fenland: 3 non-binary people aged 40 referred by voluntary attendance in October
      2026, screened after 4 hours;
    - Norwich: 10 men aged 20 from voluntary attendance in November 2026 (6 screened after
      4 hours), and 2 women aged 35 from probation in October 2026, screened;
    - King's Lynn (a third team): 4 women aged 22 from the magistrates' court in September
      2026 and 8 men aged 60 from police custody in June 2026, all screened after 30 hours.
    """
    team_c = TeamFactory(name="King's Lynn L&D", kind=TeamKind.LIAISON_DIVERSION)
    site_c = SiteFactory(team=team_c, name="King's Lynn custody suite", kind=SiteKind.CUSTODY_SUITE)
    creator = known_data.referrals[0].created_by
    batches = _small_team_batches(known_data, team_c, site_c)
    for n, batch in enumerate(batches):
        first = len(known_data.referrals)
        _referrals(known_data, creator, name=("Persephone", f"Smallteam-Ravensworth{n}x"), **batch)
        if n == 1:  # Norwich's voluntary attendances: only 6 of the 10 were screened.
            for referral in known_data.referrals[first : first + 4]:
                referral.screened_at, referral.status = None, ReferralStatus.RECEIVED
                referral.save()
    run = build_day(SNAPSHOT_DAY, trigger="test")
    assert run.error == ""
    return known_data
