"""The steps of the full assessment (no database): which fields each section holds and
which must be filled in before the assessment can be signed."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    fields: tuple[str, ...]
    required: tuple[str, ...]
    hint: str = ""


SECTIONS: tuple[Section, ...] = (
    Section(
        "presenting",
        "Presenting needs",
        ("assessed_on", "presenting_needs"),
        ("assessed_on", "presenting_needs"),
        "Why the person was referred and what they say they need, in their words where you can.",
    ),
    Section(
        "mental_health",
        "Mental health",
        ("mental_health_history", "mental_health_presentation"),
        ("mental_health_history", "mental_health_presentation"),
    ),
    Section(
        "substance_use",
        "Drugs and alcohol",
        ("drug_use", "alcohol_use"),
        ("drug_use", "alcohol_use"),
        "Use the AUDIT, AUDIT-C, DAST-10 or SADQ below to measure it.",
    ),
    Section(
        "neurodevelopmental",
        "Learning disability, autism and ADHD",
        ("learning_disability", "autism", "adhd", "neurodevelopmental_notes"),
        ("learning_disability", "autism", "adhd"),
    ),
    Section("physical_health", "Physical health", ("physical_health",), ("physical_health",)),
    Section(
        "trauma_safeguarding",
        "Trauma and safeguarding",
        ("trauma", "safeguarding"),
        ("trauma", "safeguarding"),
        "Ask in a trauma-informed way; the person does not have to give details.",
    ),
    Section(
        "social_needs",
        "Social needs",
        ("housing", "finance", "education_employment_training", "relationships"),
        ("housing", "finance", "education_employment_training", "relationships"),
    ),
    Section(
        "risk",
        "Risk to self and others",
        ("risk_to_self", "risk_to_others", "risk_level"),
        ("risk_to_self", "risk_to_others", "risk_level"),
    ),
    Section(
        "formulation",
        "Formulation and care threshold",
        ("formulation", "care_threshold"),
        ("formulation", "care_threshold"),
        "Your understanding of the person's needs, and the mental-health care threshold they "
        "meet: this decides whether a primary or secondary-care MHTR is possible.",
    ),
)
BY_KEY = {section.key: section for section in SECTIONS}
FIELD_SECTION = {name: section for section in SECTIONS for name in section.fields}


def section_state(assessment, section: Section) -> str:
    """ "completed", "in_progress" or "not_started", from which fields hold a value."""
    filled = [name for name in section.fields if getattr(assessment, name) not in ("", None)]
    if all(getattr(assessment, name) not in ("", None) for name in section.required):
        return "completed"
    return "in_progress" if filled else "not_started"


def missing_fields(assessment) -> list[tuple[Section, str]]:
    """(section, field name) for every required field still empty, in form order."""
    return [
        (section, name)
        for section in SECTIONS
        for name in section.required
        if getattr(assessment, name) in ("", None)
    ]
