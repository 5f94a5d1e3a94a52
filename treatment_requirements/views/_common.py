"""Helpers shared by the screens: audit of views, errors onto forms, the form page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.audit import audit_record
from accounts.enums import AuditAction
from accounts.policy import Action

from .. import selectors


def _audit_view(request, obj, person_id, detail=""):
    audit_record(
        action=AuditAction.VIEW,
        user=request.user,
        obj=obj,
        person_id=person_id,
        detail=detail,
        request=request,
    )


def _apply_errors(form, exc: ValidationError):
    """Put a service's ValidationError on the form: next to the field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error.messages[0] if hasattr(error, "messages") else error)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _form_page(
    request,
    form,
    *,
    title,
    caption="",
    person,
    submit="Save",
    cancel_url,
    intro="",
    status=200,
    extra=None,
):
    """A one-form page about `person` (required: base.html shows their risk banner)."""
    context = {
        "person": person,
        "form": form,
        "title": title,
        "caption": caption,
        "submit": submit,
        "cancel_url": cancel_url,
        "intro": intro,
        **(extra or {}),
    }
    return render(request, "treatment_requirements/form_page.html", context, status=status)


def _invalid_status(form):
    return 400 if form.is_bound and form.errors else 200


def _order_for_change(request, pk, action=Action.CHANGE):
    """The order, if the user may `action` it and it is active; the form page is audited."""
    order = selectors.order_get_for_user(request, pk, action)
    if not order.is_active:
        messages.error(request, "This order has ended: it cannot be changed.")
        raise _Redirect(order.get_absolute_url())
    if request.method == "GET":
        view_name = request.resolver_match.url_name if request.resolver_match else ""
        _audit_view(request, order, order.person_id, view_name)
    return order


class _Redirect(Exception):
    def __init__(self, url):
        self.url = url


def _redirecting(view):
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as exc:
            return redirect(exc.url)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _rename(exc: ValidationError, names: dict) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(k, k): v for k, v in exc.error_dict.items()})


def _local(when):
    return timezone.localtime(when)
