"""The API's request and response shapes. Input is checked for type here; the rules (the
identifiers, the dates, the site's case numbers, the team's sites and practitioners) are
the intake screen's own forms' (api.intake binds them), so the API refuses what the
screen refuses."""

from rest_framework import serializers

from referrals.enums import Gender, ReferralSource, ReferralStatus, ReferrerRole, Urgency
from treatment_requirements.enums import AppointmentOutcome

MAX_ID = 2**63 - 1


def record_id(**kwargs):
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class PersonInSerializer(serializers.Serializer):
    given_name = serializers.CharField(max_length=100)
    family_name = serializers.CharField(max_length=100)
    other_names = serializers.CharField(max_length=200, required=False, allow_blank=True)
    date_of_birth = serializers.DateField(help_text="YYYY-MM-DD")
    gender = serializers.ChoiceField(choices=Gender.choices)
    ethnicity_id = record_id(
        required=False, allow_null=True, help_text="An ethnicity of the service's list"
    )
    nhs_number = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="10 digits, checked"
    )
    pnc_id = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Police National Computer ID, checked",
    )
    cro_number = serializers.CharField(
        max_length=20,
        required=False,
        allow_blank=True,
        help_text="Criminal Records Office number, checked",
    )
    postcode_district = serializers.CharField(
        max_length=20, required=False, allow_blank=True, help_text="The first half only, like CB1"
    )
    local_authority = serializers.CharField(max_length=100, required=False, allow_blank=True)
    is_veteran = serializers.BooleanField(required=False, default=False)
    is_care_leaver = serializers.BooleanField(required=False, default=False)
    is_no_fixed_abode = serializers.BooleanField(required=False, default=False)
    has_dependent_children = serializers.BooleanField(required=False, default=False)
    needs_interpreter = serializers.BooleanField(required=False, default=False)


class ReferralInSerializer(serializers.Serializer):
    source = serializers.ChoiceField(choices=ReferralSource.choices)
    site_id = record_id(help_text="A site of the client's team")
    received_at = serializers.DateTimeField(
        help_text="ISO 8601 with a time zone; not in the future"
    )
    referrer_name = serializers.CharField(max_length=120)
    referrer_role = serializers.ChoiceField(choices=ReferrerRole.choices)
    referrer_organisation = serializers.CharField(max_length=120)
    case_reference = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        help_text="Your custody record or court case number: once a site",
    )
    offence_category_id = record_id(
        required=False, allow_null=True, help_text="An offence category of the service's list"
    )
    reason = serializers.CharField(max_length=4000)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    vulnerability_ids = serializers.ListField(
        child=record_id(),
        required=False,
        max_length=50,
        help_text="Vulnerabilities of the service's list",
    )
    assigned_to_id = record_id(
        required=False, allow_null=True, help_text="A practitioner of the team, or none"
    )


class ReferralCreateSerializer(serializers.Serializer):
    """A referral and its person: `person` for someone new, or `person_id` for someone the
    team already holds (the answer to a 409's possible match)."""

    referral = ReferralInSerializer()
    person = PersonInSerializer(required=False, help_text="Someone new: give this or person_id")
    person_id = record_id(
        required=False, help_text="Someone the team holds (a 409's match): this or person"
    )
    create_new_person = serializers.BooleanField(
        required=False, default=False, help_text="With person: a new person despite a likely match"
    )

    def validate(self, attrs):
        if ("person" in attrs) == ("person_id" in attrs):
            raise serializers.ValidationError("Give either person or person_id.")
        if attrs.get("create_new_person") and "person_id" in attrs:
            raise serializers.ValidationError("create_new_person goes with person, not person_id.")
        return attrs


class StatusChangeSerializer(serializers.Serializer):
    from_status = serializers.CharField()
    to_status = serializers.ChoiceField(choices=ReferralStatus.choices)
    changed_at = serializers.DateTimeField()
    reason = serializers.CharField()


class ReferralSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    person_id = serializers.IntegerField()
    team_id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReferralStatus.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    received_at = serializers.DateTimeField(
        help_text="ISO 8601 with a time zone; not in the future"
    )
    history = StatusChangeSerializer(
        many=True, source="status_changes.all", help_text="Status changes, oldest first"
    )


class MatchSerializer(serializers.Serializer):
    person_id = serializers.IntegerField(required=False, help_text="A person the team may see")
    held_elsewhere = serializers.BooleanField(help_text="Held by another team only")
    teams = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Whom to contact, when elsewhere"
    )


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="about:blank")
    title = serializers.CharField(help_text="The status's name")
    status = serializers.IntegerField(help_text="The HTTP status")
    detail = serializers.CharField(help_text="What went wrong, for a person to read")
    errors = serializers.DictField(
        required=False, help_text="Each refused field (person.nhs_number) and its messages"
    )
    matches = MatchSerializer(
        many=True, required=False, help_text="A 409's possible duplicates to resolve"
    )


class OrderSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    person_id = serializers.IntegerField()
    referral_id = serializers.IntegerField()
    probation_team_id = serializers.IntegerField()
    responsible_officer_id = serializers.IntegerField()
    order_type = serializers.CharField()
    status = serializers.CharField()
    made_on = serializers.DateField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()


class OrderPageSerializer(serializers.Serializer):
    results = OrderSerializer(many=True)
    next_cursor = serializers.CharField(
        allow_null=True, help_text="Pass as ?cursor= for the next page; null on the last"
    )


class AppointmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    starts_at = serializers.DateTimeField()
    purpose = serializers.CharField()
    location = serializers.CharField()
    outcome = serializers.CharField()
    outcome_recorded_at = serializers.DateTimeField(
        allow_null=True, help_text="Null until an outcome is recorded"
    )
    etag = serializers.CharField(help_text="Send as If-Match to record the outcome")


class OutcomeInSerializer(serializers.Serializer):
    # The screen's choices (rescheduling is its own action there, not an outcome to pick).
    outcome = serializers.ChoiceField(
        choices=[c for c in AppointmentOutcome.choices if c[0] != AppointmentOutcome.RESCHEDULED]
    )
    excuse = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    evidence = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    notes = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        help_text="Needed for a failure to comply",
    )
