import pytest

from .notify_stub import NotifyStub, notify_settings, running_notify_stub


@pytest.fixture
def notify_stub(settings):
    """Email goes by GOV.UK Notify, answered by the stub (tests/notifications/notify_stub.py)."""
    with running_notify_stub() as base_url:
        for name, value in notify_settings(base_url).items():
            setattr(settings, name, value)
        yield NotifyStub


@pytest.fixture
def person_notify(notify_stub, settings):
    """Messages to the person go by GOV.UK Notify (the stub), every template configured."""
    from .person_records import PERSON_TEMPLATES

    for name, value in PERSON_TEMPLATES.items():
        setattr(settings, name, value)
    return notify_stub
