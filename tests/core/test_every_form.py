"""Every form in the project is built on the one base (core.forms.GovForm or GovModelForm),
so no second pattern of dates, messages or layout creeps back; and no form keeps a plain
date, time or three-box date field the base does not read."""

import importlib
import pkgutil

from django import forms

from accounts.classification import PROJECT_APPS
from core.forms import GovDateField, GovFormMixin, GovTimeField


def _import_every_module():
    for app in PROJECT_APPS:
        package = importlib.import_module(app)
        for module in pkgutil.walk_packages(package.__path__, prefix=f"{app}."):
            if ".migrations" in module.name or ".management" in module.name:
                continue
            importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def project_forms() -> list[type]:
    _import_every_module()
    return sorted(
        {
            cls
            for cls in _subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in PROJECT_APPS
            and not cls.__name__.startswith("_")
            and cls.__module__ != "core.forms"
        },
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


def test_the_walk_finds_the_forms_of_every_app():
    found = {cls.__module__.split(".")[0] for cls in project_forms()}
    assert {"referrals", "assessments", "treatment_requirements", "accounts"} <= found
    assert len(project_forms()) > 50


def test_every_form_is_built_on_the_one_base():
    outside = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in project_forms()
        if not issubclass(cls, GovFormMixin)
    ]
    assert outside == []


def test_no_form_declares_a_date_or_time_field_the_base_does_not_read():
    plain = []
    for cls in project_forms():
        for name, field in cls.declared_fields.items():
            if isinstance(field, forms.MultiValueField) or (
                isinstance(field, forms.DateField | forms.TimeField)
                and not isinstance(field, GovDateField | GovTimeField)
                and not isinstance(field, forms.DateTimeField)
            ):
                plain.append(f"{cls.__module__}.{cls.__name__}.{name}")
    assert plain == []
