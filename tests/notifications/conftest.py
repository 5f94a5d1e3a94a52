import pytest

from .notify_stub import NotifyStub, notify_settings, running_notify_stub


@pytest.fixture
def notify_stub(settings):
    """Email goes by GOV.UK Notify, answered by the stub (tests/notifications/notify_stub.py)."""
    with running_notify_stub() as base_url:
        for name, value in notify_settings(base_url).items():
            setattr(settings, name, value)
        yield NotifyStub
