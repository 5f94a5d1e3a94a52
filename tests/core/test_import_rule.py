"""The one-way import rule (docs/architecture.md, "Which app imports which").

Each app may import the apps to its left, never to its right. Every non-migration,
non-test .py file of every app is parsed with `ast` and each reach into another app is
found: ``import`` and ``from ... import`` statements, ``apps.get_model("app", ...)`` and
``apps.get_model("app.Model")``, ``apps.get_app_config("app")``, ``import_module`` /
``import_string`` called with a string, and a relation to a model named by a string
(``ForeignKey("app.Model", ...)``). One to the right fails the test, unless it is one of the
documented EXCEPTIONS below (also listed in docs/architecture.md).

A reach made with a computed string (``import_module(f"{label}.classification")``) cannot
be read here: the extension points that discover modules that way (the data
classification, like admin autodiscovery) name no app.
"""

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Left to right: each app may import those before it, never those after it.
APP_ORDER = (
    "core",
    "accounts",
    "referrals",
    "risks",
    "assessments",
    "treatment_requirements",
    "contact_log",
    "documents",
    "notifications",
    "reporting",
    "api",
    "demo",
)
RANK = {app: position for position, app in enumerate(APP_ORDER)}


@dataclass(frozen=True)
class DocumentedException:
    path: str  # the importing file, relative to the repository
    modules: tuple[str, ...]  # what it may import: a module, or an app label for all of it
    reason: str


EXCEPTIONS = (
    DocumentedException(
        "accounts/forms.py",
        ("referrals.identifiers",),
        "searching the audit trail by NHS number checks the number with the pure "
        "identifier rules (no database, no models), which referrals owns",
    ),
)

# Calls whose first argument (or `to=`) names an app, a module or a model.
_REACHING_CALLS = {
    "get_model",
    "get_app_config",
    "import_module",
    "import_string",
    "ForeignKey",
    "OneToOneField",
    "ManyToManyField",
}


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return None


def _named_by_call(call: ast.Call) -> str | None:
    """The app, module or model a reaching call names with a string, or None."""
    if _called_name(call) not in _REACHING_CALLS:
        return None
    first = call.args[0] if call.args else None
    first = first or next((k.value for k in call.keywords if k.arg == "to"), None)
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    return None


def imported_modules(source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of every module, app or model `source` reaches for; relative
    imports stay inside their own app and are left out."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Call) and (named := _named_by_call(node)):
            found.append((node.lineno, named))
    return found


def rightward_imports(path: str, source: str) -> list[tuple[int, str]]:
    """(line, dotted name) of each import in the file at `path` (relative to the repository)
    of an app to the right of the file's own app."""
    app = path.split("/", 1)[0]
    return [
        (line, name)
        for line, name in imported_modules(source)
        if RANK.get(name.split(".", 1)[0], -1) > RANK[app]
    ]


def _excepted(path: str, name: str) -> DocumentedException | None:
    for exception in EXCEPTIONS:
        if exception.path == path and any(
            name == module or name.startswith(f"{module}.") for module in exception.modules
        ):
            return exception
    return None


def app_sources():
    """Relative paths of the files the rule covers: every app's .py files but migrations
    and tests."""
    for app in APP_ORDER:
        for file in sorted((ROOT / app).rglob("*.py")):
            relative = file.relative_to(ROOT)
            if "migrations" in relative.parts or "tests" in relative.parts:
                continue
            if file.name.startswith("test_") or file.name == "tests.py":
                continue
            yield relative.as_posix()


def _all_rightward_imports():
    for path in app_sources():
        source = (ROOT / path).read_text(encoding="utf-8")
        for line, name in rightward_imports(path, source):
            yield path, line, name


def test_no_app_imports_an_app_to_its_right():
    broken = [
        f"{path}:{line} imports {name}"
        for path, line, name in _all_rightward_imports()
        if not _excepted(path, name)
    ]

    assert not broken, (
        "These import an app to their right (docs/architecture.md, 'Which app imports "
        "which'): move the code to the app that owns it, or register it through an "
        "extension point.\n  " + "\n  ".join(broken)
    )


def test_every_documented_exception_is_still_needed():
    used = {_excepted(path, name) for path, _line, name in _all_rightward_imports()}

    stale = [exception.path for exception in EXCEPTIONS if exception not in used]

    assert not stale, "Exceptions no longer needed: remove them here and in the docs: " + str(stale)


def test_every_app_in_the_order_is_checked():
    apps_with_code = {path.split("/", 1)[0] for path in app_sources()}

    assert apps_with_code == {app for app in APP_ORDER if (ROOT / app).is_dir()}
    assert {"core", "accounts", "referrals", "reporting"} <= apps_with_code


# The test of the test: synthetic sources it must judge right. ----------------------------


@pytest.mark.parametrize(
    "source",
    [
        "from notifications.models import Reminder",
        "import reporting.tasks",
        "import notifications",
        "from reporting import housekeeping as h",
        "def f():\n    from documents.models import Document\n",
        'Reminder = apps.get_model("notifications", "Reminder")',
        'Reminder = django_apps.get_model("notifications.Reminder")',
        'config = apps.get_app_config("contact_log")',
        'tasks = importlib.import_module("reporting.tasks")',
        'tasks = import_module("reporting.tasks")',
        'task = import_string("notifications.tasks.run_allocation_rules")',
        'flag = models.ForeignKey("risks.RiskFlag", on_delete=models.PROTECT)',
        'flags = models.ManyToManyField(to="risks.RiskFlag")',
    ],
)
def test_a_rightward_import_is_found(source):
    assert [name for _line, name in rightward_imports("referrals/services.py", source)]


@pytest.mark.parametrize(
    "source",
    [
        "from accounts.models import User",
        "import core.periods",
        "from . import selectors\nfrom .models import Person",
        "from django.apps import apps",
        'Person = apps.get_model("referrals", "Person")',
        'module = import_module(f"{label}.classification")',
        'label = "notifications"',
        'Reminder.objects.filter(subject_type="notifications.reminder")',
        'person = models.ForeignKey("referrals.Person", on_delete=models.PROTECT)',
        "person = models.ForeignKey(Person, on_delete=models.PROTECT)",
    ],
)
def test_an_import_to_the_left_or_inside_the_app_passes(source):
    assert rightward_imports("referrals/services.py", source) == []


def test_a_rightward_import_is_reported_with_its_line():
    source = "import datetime\n\nfrom risks.models import RiskFlag\n"

    assert rightward_imports("referrals/selectors.py", source) == [(3, "risks.models")]
    assert rightward_imports("reporting/selectors.py", source) == []


def test_an_exception_covers_only_what_it_names():
    assert _excepted("accounts/forms.py", "referrals.identifiers")
    assert not _excepted("accounts/forms.py", "referrals.models")
    assert not _excepted("accounts/views.py", "referrals.identifiers")
