"""Synthetic people and referrals for demos and benchmarks (never a real person's data).

Fast: everything is generated in memory from one seeded random generator, then written
with demo.bulk (COPY on PostgreSQL, else bulk_create): people, referrals, status history,
vulnerabilities through rows. The same seed on the same day gives the same data.
"""

import datetime
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.enums import Role, SiteKind
from accounts.models import Team, User
from demo.bulk import bulk_insert, indexes_built_after, insert_rows
from referrals.enums import (
    AllocationKind,
    ClosureReason,
    Gender,
    ReferralSource,
    ReferralStatus,
    ReferrerRole,
    Urgency,
)
from referrals.identifiers import cro_check_letter, nhs_check_digit, pnc_check_letter
from referrals.models import (
    Ethnicity,
    OffenceCategory,
    Person,
    Referral,
    ReferralAllocation,
    ReferralStatusChange,
    Vulnerability,
)
from referrals.work_order import refresh_work_order

PEOPLE_PER_REFERRAL = 0.75  # about one person in four is referred more than once
ALLOCATED_AFTER = datetime.timedelta(minutes=20)  # from arrival to the demo allocation

MALE_NAMES = [
    "James",
    "Oliver",
    "Jack",
    "Harry",
    "George",
    "Noah",
    "Leo",
    "Jacob",
    "Charlie",
    "Thomas",
    "Daniel",
    "Liam",
    "Mohammed",
    "Callum",
    "Ryan",
    "Connor",
    "Kieran",
    "Jordan",
    "Lewis",
    "Aaron",
    "Reece",
    "Bradley",
    "Jamal",
    "Kwame",
    "Tyrone",
    "Dwayne",
    "Arjun",
    "Ravi",
    "Imran",
    "Bilal",
    "Tariq",
    "Piotr",
    "Tomasz",
    "Łukasz",
    "Andrei",
    "Bogdan",
    "Ionuț",
    "José",
    "Seán",
    "Ciarán",
    "Oisín",
    "Rhys",
    "Dylan",
    "Scott",
    "Craig",
    "Darren",
    "Lee",
    "Wayne",
    "Gary",
    "Stuart",
    "Marcus",
    "Nathan",
    "Adam",
    "Luke",
    "Sam",
    "Joe",
    "Kyle",
]
FEMALE_NAMES = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Emily",
    "Sophie",
    "Chloé",
    "Jessica",
    "Megan",
    "Leah",
    "Shannon",
    "Jade",
    "Kayleigh",
    "Zoë",
    "Aaliyah",
    "Amara",
    "Chantelle",
    "Precious",
    "Fatima",
    "Aisha",
    "Nadia",
    "Priya",
    "Anjali",
    "Agnieszka",
    "Maria",
    "Renée",
    "Siobhán",
    "Niamh",
    "Siân",
    "Rebecca",
    "Laura",
    "Gemma",
    "Kelly",
    "Donna",
    "Tracey",
    "Michelle",
    "Stacey",
    "Natalie",
]
FAMILY_NAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Lewis",
    "Martin",
    "Jackson",
    "Clarke",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
    "Cooper",
    "Morris",
    "Ward",
    "Moore",
    "King",
    "Watson",
    "Baker",
    "Harrison",
    "Morgan",
    "Patel",
    "Young",
    "Allen",
    "Mitchell",
    "James",
    "Anderson",
    "Phillips",
    "Lee",
    "Bell",
    "Parker",
    "Davis",
    "Khan",
    "Ahmed",
    "Hussain",
    "Ali",
    "Begum",
    "Rahman",
    "Singh",
    "Kaur",
    "Sharma",
    "Okafor",
    "Adeyemi",
    "Mensah",
    "Boateng",
    "Campbell",
    "Kowalski",
    "Nowak",
    "Wiśniewski",
    "Popescu",
    "Ionescu",
    "O'Brien",
    "O'Connor",
    "McCarthy",
    "Murphy",
    "Byrne",
    "Doherty",
    "Ní Bhriain",
    "Brennan",
    "Kelly",
    "Gallagher",
    "Price",
    "Lloyd",
    "Jenkins",
    "Griffiths",
    "Pryce",
    "Nguyen",
    "Chen",
    "Wong",
]
ETHNICITY_WEIGHTS = {
    "white-british": 62,
    "white-irish": 2,
    "white-gypsy-or-irish-traveller": 2,
    "white-roma": 1,
    "white-other-white": 7,
    "black-african": 4,
    "black-caribbean": 4,
    "black-other-black": 1,
    "asian-pakistani": 3,
    "asian-indian": 2,
    "asian-bangladeshi": 1,
    "asian-chinese": 1,
    "asian-other-asian": 1,
    "mixed-white-and-black-caribbean": 3,
    "mixed-white-and-black-african": 1,
    "mixed-white-and-asian": 1,
    "mixed-other-mixed": 1,
    "other-arab": 1,
    "other-other-ethnic-group": 1,
    "not-stated": 3,
}
SOURCE_WEIGHTS = {
    ReferralSource.POLICE_CUSTODY: 55,
    ReferralSource.VOLUNTARY_ATTENDANCE: 8,
    ReferralSource.MAGISTRATES_COURT: 20,
    ReferralSource.YOUTH_COURT: 3,
    ReferralSource.CROWN_COURT: 5,
    ReferralSource.PROBATION: 5,
    ReferralSource.SELF: 2,
    ReferralSource.OTHER: 2,
}
SITE_KINDS_FOR_SOURCE = {
    ReferralSource.POLICE_CUSTODY: [SiteKind.CUSTODY_SUITE],
    ReferralSource.VOLUNTARY_ATTENDANCE: [SiteKind.POLICE_STATION, SiteKind.CUSTODY_SUITE],
    ReferralSource.MAGISTRATES_COURT: [SiteKind.MAGISTRATES_COURT],
    ReferralSource.YOUTH_COURT: [SiteKind.YOUTH_COURT, SiteKind.MAGISTRATES_COURT],
    ReferralSource.CROWN_COURT: [SiteKind.CROWN_COURT],
}
REFERRERS = {
    ReferralSource.POLICE_CUSTODY: (ReferrerRole.CUSTODY_STAFF, "Police", "Sgt"),
    ReferralSource.VOLUNTARY_ATTENDANCE: (ReferrerRole.POLICE_OFFICER, "Police", "DC"),
    ReferralSource.MAGISTRATES_COURT: (ReferrerRole.COURT_STAFF, "HM Courts & Tribunals", ""),
    ReferralSource.YOUTH_COURT: (ReferrerRole.YOUTH_OFFENDING, "Youth Offending Service", ""),
    ReferralSource.CROWN_COURT: (ReferrerRole.DEFENCE, "Defence chambers", ""),
    ReferralSource.PROBATION: (ReferrerRole.PROBATION, "Probation Service", ""),
    ReferralSource.SELF: (ReferrerRole.SELF, "Self", ""),
    ReferralSource.OTHER: (ReferrerRole.HEALTHCARE, "GP surgery", "Dr"),
}
REASONS = [
    "Appeared low in mood at booking-in and disclosed thoughts of self-harm.",
    "Known to mental health services; stopped taking prescribed medication.",
    "Heavy alcohol use reported; signs of withdrawal while in custody.",
    "Struggled to understand the booking-in questions; possible learning disability.",
    "Defence solicitor raised concerns about fitness to plead.",
    "Disclosed daily heroin and crack cocaine use.",
    "Recently homeless and reports not eating for several days.",
    "Agitated and responding to unseen stimuli in the cell.",
    "Previous diagnosis of autism; distressed by noise in the custody suite.",
    "Disclosed domestic abuse by a partner; safeguarding concern for children at home.",
    "Veteran reporting nightmares and flashbacks since leaving the forces.",
    "Court legal adviser noted confused answers and poor memory.",
]
VULNERABILITY_WEIGHTS = {
    "mental-health": 70,
    "alcohol": 30,
    "drugs": 35,
    "self-harm-suicide": 25,
    "learning-disability": 8,
    "autism": 5,
    "adhd": 8,
    "speech-language-communication": 6,
    "physical-health": 12,
    "trauma-abuse": 18,
    "safeguarding": 10,
    "housing": 20,
    "debt-finance": 8,
    "education-employment-training": 8,
}
POSTCODES = {
    "Cambridgeshire & Peterborough L&D": (
        ["CB1", "CB2", "CB4", "CB5", "PE1", "PE2", "PE3", "PE4", "PE7", "PE13", "PE15", "PE29"],
        ["Cambridge", "Peterborough", "Fenland", "Huntingdonshire", "East Cambridgeshire"],
    ),
    "Westminster custody L&D": (
        ["SW1A", "SW1P", "SW1V", "W1D", "W1F", "W2", "NW8", "WC2N", "SE1", "W9"],
        ["Westminster", "Kensington and Chelsea", "Camden", "Lambeth", "Southwark"],
    ),
}
GENDER_WEIGHTS = {
    Gender.MALE: 78,
    Gender.FEMALE: 20,
    Gender.NON_BINARY_OR_OTHER: 1,
    Gender.NOT_STATED: 1,
}
# Age at the start of a band (under-18s are referred through youth court).
AGE_WEIGHTS = {16: 2, 17: 2, 21: 22, 30: 30, 40: 22, 50: 14, 60: 6, 68: 2}
URGENCY_WEIGHTS = {Urgency.ROUTINE: 70, Urgency.URGENT: 25, Urgency.EMERGENCY: 5}
ANY_NAMES = MALE_NAMES + FEMALE_NAMES
# Referrals arriving today in the first demo team, the last ones seeded: (minutes ago,
# source, urgency, demo login it is assigned to or ""). The first is an emergency custody
# referral received within the last hour: first on the demo practitioner's My work.
TODAY_ARRIVALS = [
    (25, ReferralSource.POLICE_CUSTODY, Urgency.EMERGENCY, "practitioner"),
    (70, ReferralSource.MAGISTRATES_COURT, Urgency.URGENT, ""),
    (150, ReferralSource.POLICE_CUSTODY, Urgency.ROUTINE, "practitioner2"),
    (240, ReferralSource.VOLUNTARY_ATTENDANCE, Urgency.ROUTINE, ""),
]
PROGRESS_WEIGHTS = {
    "old": {"closed": 85, "assessed": 10, "screened": 5},
    "recent": {"closed": 45, "assessed": 30, "screened": 20, "received": 5},
    "new": {"received": 40, "screened": 30, "assessed": 15, "closed": 15},
}
CLOSURE_WEIGHTS = {
    ClosureReason.ONWARD_REFERRAL: 35,
    ClosureReason.PATHWAY_COMPLETE: 25,
    ClosureReason.NO_FURTHER_ACTION: 20,
    ClosureReason.DECLINED: 8,
    ClosureReason.UNABLE_TO_ASSESS: 7,
    ClosureReason.OUT_OF_SCOPE: 3,
    ClosureReason.DUPLICATE: 1,
    ClosureReason.OTHER: 1,
}


@dataclass
class _TeamInfo:
    team: Team
    sites_by_kind: dict
    all_sites: list
    staff: list
    postcodes: list
    authorities: list


_CUMULATIVE: dict[int, tuple[list, list]] = {}


def _pick(rng, weights: dict):
    """A weighted choice; the cumulative weights are worked out once per table."""
    if id(weights) not in _CUMULATIVE:
        _CUMULATIVE[id(weights)] = (list(weights), list(itertools.accumulate(weights.values())))
    keys, cumulative = _CUMULATIVE[id(weights)]
    return rng.choices(keys, cum_weights=cumulative)[0]


class _Generator:
    def __init__(self, *, seed: int, now: datetime.datetime):
        self.rng = random.Random(seed)
        self.now = now
        self.today = timezone.localdate(now)
        self.ethnicities = {e.code: e.pk for e in Ethnicity.objects.all()}
        self.ethnicity_weights = {
            code: w for code, w in ETHNICITY_WEIGHTS.items() if code in self.ethnicities
        }
        self.offences = list(OffenceCategory.objects.values_list("pk", flat=True))
        self.vulnerabilities = {v.code: v.pk for v in Vulnerability.objects.all()}
        self.nhs_serial = _next_nhs_serial()
        offset = (Person.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
        self.identifier_serial = 100_000 + offset
        self.case_serial = (Referral.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def next_nhs_number(self) -> str:
        while True:
            first_nine = f"9{self.nhs_serial:08d}"
            self.nhs_serial += 1
            check = nhs_check_digit(first_nine)
            if check is not None:
                return f"{first_nine}{check}"

    def person(self, info: _TeamInfo) -> Person:
        rng = self.rng
        gender = _pick(
            rng,
            {
                Gender.MALE: 78,
                Gender.FEMALE: 20,
                Gender.NON_BINARY_OR_OTHER: 1,
                Gender.NOT_STATED: 1,
            },
        )
        given = rng.choice(FEMALE_NAMES if gender == Gender.FEMALE else MALE_NAMES)
        family = rng.choice(FAMILY_NAMES)
        age = _pick(rng, AGE_WEIGHTS)
        age += rng.randint(0, 8 if age >= 21 else 0)
        dob = self.today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        serial = self.identifier_serial
        self.identifier_serial += 1
        pnc = cro = None
        if rng.random() < 0.6:
            year = min(dob.year + rng.randint(14, 30), self.today.year)
            pnc_serial = serial % 10_000_000
            pnc = f"{year}/{pnc_serial:07d}{pnc_check_letter(year, pnc_serial)}"
            if rng.random() < 0.5:
                cro_serial = serial % 1_000_000
                cro = f"{cro_serial:06d}/{year % 100:02d}{cro_check_letter(year, cro_serial)}"
        person = Person(
            given_name=given,
            family_name=family,
            date_of_birth=dob,
            gender=gender,
            ethnicity_id=self.ethnicities.get(_pick(rng, self.ethnicity_weights)),
            nhs_number=self.next_nhs_number() if rng.random() < 0.85 else None,
            pnc_id=pnc,
            cro_number=cro,
            postcode_district=rng.choice(info.postcodes) if rng.random() < 0.8 else "",
            local_authority=rng.choice(info.authorities),
            is_veteran=rng.random() < 0.05,
            is_care_leaver=rng.random() < 0.08,
            is_no_fixed_abode=rng.random() < 0.1,
            has_dependent_children=rng.random() < 0.25,
            needs_interpreter=rng.random() < 0.04,
            team_id=info.team.pk,
            created_by_id=rng.choice(info.staff).pk,
        )
        person.refresh_search_names()
        return person

    def referral(self, person: Person, info: _TeamInfo) -> tuple[Referral, list]:
        rng = self.rng
        source = _pick(rng, SOURCE_WEIGHTS)
        kinds = SITE_KINDS_FOR_SOURCE.get(source, [])
        sites = next((info.sites_by_kind[k] for k in kinds if info.sites_by_kind.get(k)), None)
        site = rng.choice(sites or info.all_sites)
        # Skewed towards recent months, spread over two years.
        age = datetime.timedelta(minutes=int(730 * 24 * 60 * rng.random() ** 1.6))
        received = self.now - age
        role, organisation, title = REFERRERS[source]
        referrer = f"{title} {rng.choice(ANY_NAMES)} {rng.choice(FAMILY_NAMES)}"
        prefix = "CUST" if source in SITE_KINDS_FOR_SOURCE and "court" not in source else "CASE"
        reference = f"{prefix}/{received:%y}/{self.case_serial:07d}"
        self.case_serial += 1
        staff = rng.choice(info.staff)
        referral = Referral(
            person_id=person.pk,
            team_id=info.team.pk,
            source=source,
            site_id=site.pk,
            received_at=received,
            referrer_name=referrer.strip(),
            referrer_role=role,
            referrer_organisation=organisation,
            case_reference=reference if source in SITE_KINDS_FOR_SOURCE else "",
            offence_category_id=rng.choice(self.offences) if rng.random() < 0.85 else None,
            reason=rng.choice(REASONS),
            urgency=_pick(rng, URGENCY_WEIGHTS),
            assigned_to_id=staff.pk if rng.random() < 0.7 else None,
            created_by_id=staff.pk,
        )
        referral.refresh_reoffending_due()  # bulk inserts skip save()
        history = self._progress(referral, age)
        return referral, history

    def arrival(self, person: Person, info: _TeamInfo, arrival) -> tuple[Referral, list]:
        """A referral received today (TODAY_ARRIVALS), not yet screened."""
        minutes, source, urgency, assignee = arrival
        referral, _history = self.referral(person, info)
        since_midnight = self.now - datetime.datetime.combine(
            timezone.localdate(self.now), datetime.time.min, tzinfo=self.now.tzinfo
        )
        age = min(datetime.timedelta(minutes=minutes), max(since_midnight, datetime.timedelta()))
        if minutes <= 60:
            age = datetime.timedelta(minutes=minutes)  # within the last hour, whatever the time
        kinds = SITE_KINDS_FOR_SOURCE.get(source, [])
        sites = next((info.sites_by_kind[k] for k in kinds if info.sites_by_kind.get(k)), None)
        referral.source = source
        referral.site_id = (sites or info.all_sites)[0].pk
        referral.received_at = self.now - age
        referral.urgency = urgency
        role, organisation, _title = REFERRERS[source]
        referral.referrer_role, referral.referrer_organisation = role, organisation
        prefix = "CUST" if source == ReferralSource.POLICE_CUSTODY else "CASE"
        referral.case_reference = f"{prefix}/{referral.received_at:%y}/{self.case_serial - 1:07d}"
        referral.case_reference = referral.case_reference if kinds else ""
        staff = next((u for u in info.staff if u.username == assignee), None)
        referral.assigned_to_id = staff.pk if staff else None
        referral.status = ReferralStatus.RECEIVED
        referral.screened_at = referral.assessed_at = referral.closed_at = None
        referral.closure_reason = ""
        referral.refresh_reoffending_due()
        return referral, [("", ReferralStatus.RECEIVED, referral.received_at, "Referral received")]

    def _progress(self, referral: Referral, age: datetime.timedelta) -> list:
        """Move the referral along the pathway according to its age; return history steps."""
        rng = self.rng
        days = age.total_seconds() / 86400
        band = "old" if days > 60 else ("recent" if days > 7 else "new")
        final = _pick(rng, PROGRESS_WEIGHTS[band])
        steps = [("", ReferralStatus.RECEIVED, referral.received_at, "Referral received")]
        when = referral.received_at
        span = max(age.total_seconds(), 60)
        path = {
            "received": [],
            "screened": ["screened"],
            "assessed": ["screened", "assessed"],
            "closed": rng.choice([["screened", "assessed"], ["screened"], []]) + ["closed"],
        }[final]
        previous = ReferralStatus.RECEIVED
        for status in path:
            when = when + datetime.timedelta(seconds=rng.uniform(0.05, 0.3) * span)
            when = min(when, self.now)
            reason = ""
            if status == "screened":
                referral.screened_at = when
            elif status == "assessed":
                referral.assessed_at = when
            else:
                referral.closure_reason = _pick(rng, CLOSURE_WEIGHTS)
                referral.closed_at = when
                reason = ClosureReason(referral.closure_reason).label
            steps.append((previous, status, when, reason))
            previous = status
        referral.status = previous
        return steps

    def vulnerability_ids(self) -> set:
        count = self.rng.choices([0, 1, 2, 3, 4], weights=[10, 35, 30, 18, 7])[0]
        codes = self.rng.choices(
            list(VULNERABILITY_WEIGHTS), weights=list(VULNERABILITY_WEIGHTS.values()), k=count
        )
        return {self.vulnerabilities[c] for c in codes if c in self.vulnerabilities}


def _next_nhs_serial() -> int:
    highest = Person.objects.filter(nhs_number__startswith="9").aggregate(m=Max("nhs_number"))["m"]
    return int(highest[1:9]) + 1 if highest else 0


def _team_infos() -> list[_TeamInfo]:
    infos = []
    for team_name, (postcodes, authorities) in POSTCODES.items():
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            continue
        sites = list(team.sites.filter(is_active=True))
        staff = list(User.objects.filter(team=team, role__in=[Role.PRACTITIONER, Role.TEAM_LEAD]))
        if not sites or not staff:
            continue
        by_kind = defaultdict(list)
        for site in sites:
            by_kind[site.kind].append(site)
        infos.append(_TeamInfo(team, by_kind, sites, staff, postcodes, authorities))
    return infos


@transaction.atomic
def seed_people_and_referrals(n: int, *, seed: int = 2026, now=None) -> dict:
    """Create about 0.75 * n people and n referrals across the demo L&D teams.

    Needs demo.accounts.seed_teams_and_users() first. Returns counts of what was created.
    """
    infos = _team_infos()
    if not infos or n <= 0:
        return {"people": 0, "referrals": 0, "status_changes": 0}
    now = now or timezone.now().replace(second=0, microsecond=0)
    gen = _Generator(seed=seed, now=now)
    team_weights = [3, 2][: len(infos)] + [1] * max(0, len(infos) - 2)
    tables = [
        Person,
        Referral,
        ReferralStatusChange,
        ReferralAllocation,
        Referral.vulnerabilities.through,
    ]
    with indexes_built_after(*tables):
        people, owners = [], []
        for index in range(max(1, int(n * PEOPLE_PER_REFERRAL))):
            # The first person is the first team's: today's arrivals (TODAY_ARRIVALS) are
            # its referrals, however few are seeded.
            info = infos[0] if index == 0 else gen.rng.choices(infos, weights=team_weights)[0]
            people.append(gen.person(info))
            owners.append(info)
        bulk_insert(Person, people, now)
        referrals, histories, vulnerabilities = [], [], []
        arrivals = TODAY_ARRIVALS[:n]
        first_team = [slot for slot, owner in enumerate(owners) if owner is infos[0]]
        for index in range(n):
            arrival = index - (n - len(arrivals))
            if arrival >= 0 and first_team:
                slot = gen.rng.choice(first_team)
                referral, history = gen.arrival(people[slot], owners[slot], arrivals[arrival])
            else:
                slot = index if index < len(people) else gen.rng.randrange(len(people))
                referral, history = gen.referral(people[slot], owners[slot])
            referrals.append(referral)
            histories.append(history)
            vulnerabilities.append(gen.vulnerability_ids())
        bulk_insert(Referral, referrals, now)
        changes = [
            (
                referral.pk,
                from_status,
                to_status,
                reason,
                referral.assigned_to_id or referral.created_by_id,
                when,
            )
            for referral, history in zip(referrals, histories, strict=True)
            for from_status, to_status, when, reason in history
        ]
        insert_rows(
            ReferralStatusChange,
            ["referral_id", "from_status", "to_status", "reason", "changed_by_id", "changed_at"],
            changes,
        )
        # Each assigned referral's allocation (as intake writes it), a few minutes after it
        # arrived: My work's New to me and the allocation history read these rows.
        insert_rows(
            ReferralAllocation,
            [
                "referral_id",
                "assigned_to_id",
                "team_id",
                "kind",
                "reason",
                "allocated_at",
                "allocated_by_id",
            ],  # fmt: skip
            (
                (
                    referral.pk,
                    referral.assigned_to_id,
                    referral.team_id,
                    AllocationKind.ALLOCATION,
                    "",
                    min(referral.received_at + ALLOCATED_AFTER, now),
                    referral.created_by_id,
                )
                for referral in referrals
                if referral.assigned_to_id
            ),
        )
        links = [
            (referral.pk, vulnerability_id)
            for referral, ids in zip(referrals, vulnerabilities, strict=True)
            for vulnerability_id in ids
        ]
        insert_rows(Referral.vulnerabilities.through, ["referral_id", "vulnerability_id"], links)
    return {"people": len(people), "referrals": len(referrals), "status_changes": len(changes)}


def seed_demo_step(*, referrals: int, seed: int, password: str | None) -> str:
    """seed_demo step: people and referrals with their history."""
    counts = seed_people_and_referrals(referrals, seed=seed)
    return (
        f"People: {counts['people']}, referrals: {counts['referrals']}, "
        f"status changes: {counts['status_changes']}"
    )


def work_order_step(*, referrals: int, seed: int, password: str | None) -> str:
    """Last seed_demo step: every referral's keys of "most urgent first" (work_order), once
    every app's screenings and risk flags are in (bulk inserts pass no service)."""
    stored = refresh_work_order(Referral.objects.all())
    return f"Most urgent first: keys stored for {stored} referrals"
