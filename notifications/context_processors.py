from functools import cached_property


class UnreadCount:
    """The signed-in user's unread reminder count, counted once and only if shown."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def value(self) -> int:
        from .selectors import inbox_unread_count

        return inbox_unread_count(user=self._user)

    def __str__(self):
        return str(self.value)

    def __int__(self):
        return self.value

    def __float__(self):
        return float(self.value)

    def __eq__(self, other):
        return self.value == other

    def __hash__(self):
        return hash(self.value)

    def __bool__(self):
        return bool(self.value)


def inbox(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread_count": UnreadCount(user)}
