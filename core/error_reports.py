"""Error reports (the emails to ADMINS, the DEBUG page) that carry no personal data.

Django's default filter hides only settings and fields it recognises as sensitive. Here
every value that could hold personal data is replaced: POST and GET values, cookies, the
local variables of every traceback frame, request headers other than a few technical ones,
and the exception message is scrubbed by core.logging. What remains (the path with numeric
ids, the stack of file names and lines, the code) is enough to find the bug.

Configured by settings.DEFAULT_EXCEPTION_REPORTER_FILTER and DEFAULT_EXCEPTION_REPORTER.
"""

from django.utils.regex_helper import _lazy_re_compile
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

from .logging import scrub

SUBSTITUTE = SafeExceptionReporterFilter.cleansed_substitute

# Request headers that describe the request, not the person using it.
_TECHNICAL_META = frozenset(
    {
        "CONTENT_LENGTH",
        "CONTENT_TYPE",
        "HTTP_ACCEPT",
        "HTTP_ACCEPT_ENCODING",
        "HTTP_ACCEPT_LANGUAGE",
        "HTTP_HOST",
        "HTTP_USER_AGENT",
        "HTTP_X_FORWARDED_PROTO",
        "PATH_INFO",
        "REQUEST_METHOD",
        "SCRIPT_NAME",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
    }
)


class PersonalDataSafeReporterFilter(SafeExceptionReporterFilter):
    hidden_settings = _lazy_re_compile(
        "API|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|DATABASE|_URL$|DSN|HOST_USER"
        "|ADMINS|MANAGERS|BROKER",
        flags=0,
    )

    def is_active(self, request):
        return True  # also under DEBUG: a developer's screen is no place for patient data

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, SUBSTITUTE)

    def get_safe_cookies(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.COOKIES, SUBSTITUTE)

    def get_safe_request_meta(self, request):
        if request is None:
            return {}
        return {
            key: (value if key in _TECHNICAL_META else SUBSTITUTE)
            for key, value in request.META.items()
        }

    def get_traceback_frame_variables(self, request, tb_frame):
        return [(name, SUBSTITUTE) for name in tb_frame.f_locals]


class PersonalDataSafeExceptionReporter(ExceptionReporter):
    def get_traceback_data(self):
        data = super().get_traceback_data()
        if self.request is not None:
            data["request_GET_items"] = [(key, SUBSTITUTE) for key in self.request.GET]
            data["request_FILES_items"] = [(key, SUBSTITUTE) for key in self.request.FILES]
            data["request_insecure_uri"] = self.request.path
        for key in ("exception_value", "exception_notes"):
            if data.get(key):
                data[key] = scrub(data[key])
        for frame in data.get("frames", []):
            if frame.get("exc_cause") is not None:
                frame["exc_cause"] = scrub(str(frame["exc_cause"]))
        return data
