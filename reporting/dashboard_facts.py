"""Build the fact tables (CohortReferralFact, CohortBreakdownFact) for one day: the one
source of every dashboard figure, headline and export.

Set-based: every figure is one ``INSERT ... SELECT ... GROUP BY`` (reporting.fact_sql); no
row is loaded into Python. Every row is keyed by the referral it belongs to: the month it
was received (London), its L&D team and source, and the person's cohort flags at referral,
so one set of filters (period, team, source, cohort) applies to every dashboard figure.
"""

from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import (
    Cast,
    Coalesce,
    ExtractDay,
    ExtractMonth,
    ExtractYear,
    TruncDate,
)

from referrals.enums import Gender
from referrals.models import Referral
from referrals.reoffending import LONDON

from .fact_sql import WholeHoursBetween, analyse, insert_aggregate, month_of, within_target
from .models import AGE_BANDS, CohortBreakdownFact, CohortReferralFact

HOURS_CAP = 720
# Fall in score between the first (start) and last (end) measure on an order that counts
# as a meaningful improvement. PHQ-9: 5 points, commonly read as a response (docs/domain.md
# "Instruments"); GAD-7: 4 points; AUDIT: 5 points. Shown on screen by reporting.selectors.
OUTCOME_THRESHOLDS = {"PHQ-9": 5, "GAD-7": 4, "AUDIT": 5}
_AGE_BOUNDS = [18, 25, 35, 45, 55, 65]


def with_referral_keys(queryset: QuerySet, prefix: str = "") -> QuerySet:
    """Annotate the referral's month, team, source and cohort flags (`prefix` reaches it)."""
    received, born = f"{prefix}received_at", f"{prefix}person__date_of_birth"
    return (
        queryset.annotate(
            a_years=ExtractYear(received) - ExtractYear(born),
            a_referral_md=ExtractMonth(received) * 100 + ExtractDay(received),
            a_birth_md=ExtractMonth(born) * 100 + ExtractDay(born),
        )
        .annotate(
            a_age=F("a_years")
            - Case(
                When(a_referral_md__lt=F("a_birth_md"), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .annotate(
            f_month=month_of(received),
            f_team=F(f"{prefix}team_id"),
            f_source=F(f"{prefix}source"),
            f_woman=Case(
                When(**{f"{prefix}person__gender": Gender.FEMALE}, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            f_young=Case(
                When(a_age__gte=18, a_age__lte=24, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            f_veteran=F(f"{prefix}person__is_veteran"),
        )
    )


KEY_COLUMNS = {
    "month": "f_month",
    "team": "f_team",
    "source": "f_source",
    "is_woman": "f_woman",
    "is_young_adult": "f_young",
    "is_veteran": "f_veteran",
}
KEYS = tuple(KEY_COLUMNS.values())


# One row per referral with its keys, built once per run: the breakdowns join to it rather
# than recomputing the London month and the age at referral for every measure.
KEYS_TABLE = "reporting_dashboard_referral_keys"


def _create_keys_table(cutoff: datetime):
    """One row per referral: its keys and the per-referral categories counted below."""
    referrals = with_referral_keys(Referral.objects.filter(received_at__lt=cutoff)).annotate(
        a_screen=WholeHoursBetween(F("screened_at"), F("received_at")),
        a_assess=WholeHoursBetween(F("assessed_at"), F("received_at")),
    )
    keyed = referrals.annotate(
        f_id=F("pk"),
        f_age_band=_age_band(),
        f_gender=F("person__gender"),
        f_ethnicity=Coalesce(
            F("person__ethnicity__group"), Value("Not stated"), output_field=CharField()
        ),
        f_hours_screening=_hours_bucket("screened_at", "a_screen", cutoff),
        f_hours_assessment=_hours_bucket("assessed_at", "a_assess", cutoff),
    ).values("f_id", *KEYS, *PER_REFERRAL.values())
    sql, params = keyed.order_by().query.sql_with_params()
    table = connection.ops.quote_name(KEYS_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(f"CREATE TEMPORARY TABLE {table} AS {sql}", params)
        cursor.execute(
            f"CREATE INDEX {connection.ops.quote_name(KEYS_TABLE + '_id')} ON {table} (f_id)"
        )
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {table}")


# Breakdowns of one category per referral, counted straight from the keys table.
PER_REFERRAL = {
    "gender": "f_gender",
    "age_band": "f_age_band",
    "ethnicity": "f_ethnicity",
    "hours_to_screening": "f_hours_screening",
    "hours_to_assessment": "f_hours_assessment",
}


# Every keys-table row joins "all" and each priority cohort the referral belongs to.
_COHORTS_SQL = (
    "(SELECT 'all' AS cohort UNION ALL SELECT 'women' UNION ALL SELECT '18_24' "
    "UNION ALL SELECT 'veterans') c ON (c.cohort = 'all' OR (c.cohort = 'women' AND "
    "k.f_woman) OR (c.cohort = '18_24' AND k.f_young) OR (c.cohort = 'veterans' AND "
    "k.f_veteran))"
)
_BREAKDOWN_KEYS = ("k.f_month", "k.f_team", "k.f_source", "c.cohort")
_BREAKDOWN_FIELDS = ("snapshot_date", "month", "team", "source", "cohort", "measure", "category")


def _insert_breakdown(day: date, measure: str, category_sql: str, source_sql: str, params):
    """INSERT one measure's rows: referrals' keys x cohorts x category, counted.

    `source_sql` is a FROM clause with the keys table aliased k; only quoted identifiers
    and Django-compiled SQL are interpolated, every value is a parameter.
    """
    qn = connection.ops.quote_name
    fields = [*_BREAKDOWN_FIELDS, "count"]
    targets = ", ".join(qn(CohortBreakdownFact._meta.get_field(f).column) for f in fields)
    keys = ", ".join(_BREAKDOWN_KEYS)
    sql = (
        f"INSERT INTO {qn(CohortBreakdownFact._meta.db_table)} ({targets}) "  # noqa: S608 - quoted model names; values are parameters  # nosec B608
        f"SELECT %s, {keys}, %s, {category_sql}, COUNT(*) FROM {source_sql} "
        f"INNER JOIN {_COHORTS_SQL} GROUP BY {keys}, {category_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [day, measure, *params])
        return max(cursor.rowcount, 0)


def _per_referral_facts(day: date, cutoff: datetime) -> int:
    qn = connection.ops.quote_name
    rows = 0
    for measure, column in PER_REFERRAL.items():
        source = f"(SELECT * FROM {qn(KEYS_TABLE)} WHERE {qn(column)} IS NOT NULL) k"  # noqa: S608 - a quoted model column  # nosec B608
        rows += _insert_breakdown(day, measure, f"k.{qn(column)}", source, [])
    return rows


def _drop_keys_table():
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(KEYS_TABLE)}")


def _breakdown(day: date, queryset: QuerySet, prefix: str, measure: str, category) -> int:
    """Insert `measure` rows: `queryset` counted by its referral's keys and `category`.

    `prefix` reaches the referral from the queryset's model ("" for referrals themselves).
    """
    inner = queryset.annotate(f_ref=F(f"{prefix}id" if prefix else "pk"), f_category=category)
    inner_sql, inner_params = inner.values("f_ref", "f_category").order_by().query.sql_with_params()
    qn = connection.ops.quote_name
    source = f"({inner_sql}) agg INNER JOIN {qn(KEYS_TABLE)} k ON k.f_id = agg.f_ref"
    return _insert_breakdown(day, measure, "agg.f_category", source, inner_params)


def _age_band():
    return Case(
        *[
            When(a_age__lt=bound, then=Value(code))
            for bound, (code, _label) in zip(_AGE_BOUNDS, AGE_BANDS, strict=False)
        ],
        default=Value(AGE_BANDS[-1][0]),
        output_field=CharField(),
    )


REFERRAL_COLUMNS = {
    **KEY_COLUMNS,
    "site": "f_site",
    "referrals": "n_referrals",
    "screened": "n_screened",
    "screened_within_target": "n_screened_in",
    "assessed": "n_assessed",
    "assessed_within_target": "n_assessed_in",
    "recommended": "n_recommended",
    "orders_made": "n_orders",
    "orders_completed": "n_completed",
    "followed_up_12m": "n_followed",
    "rearrested_12m": "n_rearrested",
}


def build_cohort_referral_facts(day: date, cutoff: datetime) -> int:
    """The pathway counts per referral keys and site (CohortReferralFact)."""
    from treatment_requirements.enums import TerminationReason
    from treatment_requirements.models import Order, Recommendation, ReoffendingEvent

    orders = Order.objects.filter(referral=OuterRef("pk"), made_on__lte=day)
    completed = orders.filter(
        terminated_on__lte=day,
        termination_reason__in=[
            TerminationReason.COMPLETED,
            TerminationReason.REVOKED_GOOD_PROGRESS,
        ],
    )
    # Reoffending (referrals.reoffending): every referral whose 12 months beginning with its
    # London date of receipt ended by `day` (its check falls due the day after); reoffended
    # when a re-arrest or reconviction of the person, recorded on any of their referrals,
    # falls within those 12 months (so one in two overlapping windows counts for both).
    rearrests = ReoffendingEvent.objects.filter(
        person=OuterRef("person_id"),
        occurred_on__lte=day,
        occurred_on__gte=OuterRef("a_received_on"),
        occurred_on__lt=OuterRef("reoffending_check_due_on"),
    )
    followed_up = Q(reoffending_check_due_on__lte=day + timedelta(days=1))
    screened, assessed = Q(screened_at__lt=cutoff), Q(assessed_at__lt=cutoff)
    queryset = (
        with_referral_keys(Referral.objects.filter(received_at__lt=cutoff))
        .annotate(a_received_on=TruncDate("received_at", tzinfo=LONDON))
        .annotate(
            f_site=F("site_id"),
            a_recommended=Exists(
                Recommendation.objects.filter(referral=OuterRef("pk"), ready_at__lt=cutoff)
            ),
            a_order=Exists(orders),
            a_completed=Exists(completed),
            a_rearrested=Exists(rearrests),
        )
        .values(*KEYS, "f_site")
        .annotate(
            n_referrals=Count("pk"),
            n_screened=Count("pk", filter=screened),
            n_screened_in=Count("pk", filter=screened & within_target("screened_at")),
            n_assessed=Count("pk", filter=assessed),
            n_assessed_in=Count("pk", filter=assessed & within_target("assessed_at")),
            n_recommended=Count("pk", filter=Q(a_recommended=True)),
            n_orders=Count("pk", filter=Q(a_order=True)),
            n_completed=Count("pk", filter=Q(a_completed=True)),
            n_followed=Count("pk", filter=followed_up),
            n_rearrested=Count("pk", filter=followed_up & Q(a_rearrested=True)),
        )
    )
    return insert_aggregate(CohortReferralFact, day, queryset, REFERRAL_COLUMNS)


def _vulnerability_facts(day: date, cutoff: datetime) -> int:
    through = Referral.vulnerabilities.through.objects.filter(referral__received_at__lt=cutoff)
    return _breakdown(day, through, "referral__", "vulnerability", F("vulnerability__code"))


def _hours_bucket(field: str, hours_alias: str, cutoff: datetime):
    """Hours from referral to `field` as text, or NULL when not done by the cutoff.

    Whole hours up to 3 days; then 6-hour steps to a week, then days to 30 days (720 =
    720 or more). Keeps the histogram to about 110 buckets while the median stays exact
    to the hour for everything done within 3 days.
    """
    hours = F(hours_alias)
    done = Q(**{f"{field}__lt": cutoff, f"{field}__gte": F("received_at")})
    bucket = Case(
        When(**{f"{hours_alias}__lt": 72}, then=hours),
        When(**{f"{hours_alias}__lt": 168}, then=hours / 6 * 6),
        When(**{f"{hours_alias}__lt": HOURS_CAP}, then=hours / 24 * 24),
        default=Value(HOURS_CAP),
        output_field=IntegerField(),
    )
    return Case(When(done, then=Cast(bucket, CharField())), default=None, output_field=CharField())


def _order_shape(orders: QuerySet) -> tuple[QuerySet, Case]:
    """Orders annotated with how many requirements they have; "combined" when two or more."""
    from treatment_requirements.models import OrderRequirement

    requirement_count = Subquery(
        OrderRequirement.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(c=Count("pk"))
        .values("c"),
        output_field=IntegerField(),
    )
    shape = Case(
        When(a_requirements__gt=1, then=Value("combined")),
        default=Value("single"),
        output_field=CharField(),
    )
    return orders.annotate(a_requirements=Coalesce(requirement_count, 0)), shape


def _order_facts(day: date, cutoff: datetime) -> int:
    """Requirements, order shapes and endings, appointments, warnings and breaches."""
    from treatment_requirements.models import (
        Appointment,
        BreachReferral,
        FormalWarning,
        Order,
        OrderRequirement,
    )

    orders = Order.objects.filter(made_on__lte=day, referral__received_at__lt=cutoff)
    shaped, shape = _order_shape(orders)
    appointment_outcome = Case(
        When(outcome_recorded_at__lt=cutoff, then=F("outcome")),
        default=Value(""),
        output_field=CharField(),
    )
    on_order, on_referral = "order__referral__", "referral__"
    measures = [
        (OrderRequirement.objects.filter(order__in=orders), on_order, "requirement", F("kind")),
        (shaped, on_referral, "order_shape", shape),
        (
            orders.filter(terminated_on__lte=day),
            on_referral,
            "order_ended",
            F("termination_reason"),
        ),
        (
            Appointment.objects.filter(order__in=orders, starts_at__lt=cutoff),
            on_order,
            "appointment",
            appointment_outcome,
        ),
        (
            FormalWarning.objects.filter(order__in=orders, given_on__lte=day),
            on_order,
            "warning",
            Value(""),
        ),
        (
            BreachReferral.objects.filter(order__in=orders, referred_on__lte=day),
            on_order,
            "breach",
            Value(""),
        ),
    ]
    return sum(_breakdown(day, *measure) for measure in measures)


def _score(instrument: str, stage: str, day: date):
    from treatment_requirements.models import OutcomeMeasure

    return Subquery(
        OutcomeMeasure.objects.filter(
            order=OuterRef("pk"),
            instrument_code=instrument,
            stage=stage,
            measured_on__lte=day,
            response__total__isnull=False,
        ).values("response__total")[:1],
        output_field=IntegerField(),
    )


def _outcome_measure_facts(day: date, cutoff: datetime) -> int:
    from treatment_requirements.enums import MeasureStage
    from treatment_requirements.models import Order

    orders = Order.objects.filter(made_on__lte=day, referral__received_at__lt=cutoff)
    rows = 0
    for instrument, threshold in OUTCOME_THRESHOLDS.items():
        paired = orders.annotate(
            a_start=_score(instrument, MeasureStage.START, day),
            a_end=_score(instrument, MeasureStage.END, day),
        ).filter(a_start__isnull=False, a_end__isnull=False)
        improved = paired.filter(a_end__lte=F("a_start") - threshold)
        rows += _breakdown(day, paired, "referral__", "outcome_paired", Value(instrument))
        rows += _breakdown(day, improved, "referral__", "outcome_improved", Value(instrument))
    return rows


def _onward_facts(day: date, cutoff: datetime) -> int:
    from assessments.enums import OnwardOutcome
    from assessments.models import OnwardReferral

    onward = OnwardReferral.objects.filter(referred_on__lte=day, referral__received_at__lt=cutoff)
    attended = onward.filter(outcome=OnwardOutcome.ATTENDED, outcome_on__lte=day)
    return _breakdown(day, onward, "referral__", "onward_referral", F("service")) + _breakdown(
        day, attended, "referral__", "onward_attended", F("service")
    )


def build_cohort_breakdown_facts(day: date, cutoff: datetime) -> int:
    """Every CohortBreakdownFact measure for `day`."""
    _create_keys_table(cutoff)
    try:
        rows = sum(
            build(day, cutoff)
            for build in (
                _per_referral_facts,
                _vulnerability_facts,
                _order_facts,
                _outcome_measure_facts,
                _onward_facts,
            )
        )
    finally:
        _drop_keys_table()
    analyse(CohortReferralFact, CohortBreakdownFact)
    return rows


# What reporting.snapshots.rebuild_day runs for each day, in order.
BUILDERS = [build_cohort_referral_facts, build_cohort_breakdown_facts]
