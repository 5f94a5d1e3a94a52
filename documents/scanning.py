"""Virus scanning behind a setting: a ClamAV daemon through the `clamd` package.

settings.LD_CLAMAV names the daemon: "tcp://host:3310" or "unix:///run/clamav/clamd.ctl".
Empty means scanning is not set up: documents are then recorded as "not scanned" and may
be downloaded (allowed on a laptop; production settings refuse to start that way unless
LD_VIRUS_SCAN_WAIVER gives a reason). settings.LD_VIRUS_SCANNER is the dotted path of the
scanner class (tests put a fake there; no daemon is needed to test the flow).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class ScannerUnavailable(Exception):
    """The scanner could not give an answer now: try again later."""


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""  # the virus's name as the scanner reports it (no personal data)


def scanning_enabled() -> bool:
    return bool(settings.LD_CLAMAV)


def configured_scanner():
    """The scanner for settings.LD_CLAMAV, or None when scanning is not set up."""
    if not scanning_enabled():
        return None
    return import_string(settings.LD_VIRUS_SCANNER)(settings.LD_CLAMAV)


def parse_clamav_address(address: str) -> dict:
    """{"socket": path} or {"host": .., "port": ..} from an LD_CLAMAV value."""
    parts = urlsplit(address)
    if parts.scheme == "unix" and parts.path:
        return {"socket": parts.path}
    if parts.scheme == "tcp" and parts.hostname:
        return {"host": parts.hostname, "port": parts.port or 3310}
    raise ImproperlyConfigured(
        "Environment variable LD_CLAMAV must be tcp://host:port or unix:///path/to/socket"
    )


class ClamdScanner:
    """Streams the file to clamd (INSTREAM); the file never has to be on the daemon's disk."""

    timeout = 60

    def __init__(self, address: str):
        self.address = parse_clamav_address(address)

    def _client(self):
        try:
            import clamd
        except ImportError as exc:  # the optional extra is not installed
            raise ImproperlyConfigured("LD_CLAMAV is set: install the 'clamav' extra") from exc
        if "socket" in self.address:
            return clamd.ClamdUnixSocket(path=self.address["socket"], timeout=self.timeout)
        return clamd.ClamdNetworkSocket(
            host=self.address["host"], port=self.address["port"], timeout=self.timeout
        )

    def scan(self, stream) -> ScanResult:
        import clamd

        try:
            answer = self._client().instream(stream)
        except (clamd.ConnectionError, OSError) as exc:
            raise ScannerUnavailable(str(exc)) from exc
        status, signature = answer.get("stream", ("ERROR", ""))
        if status == "OK":
            return ScanResult(infected=False)
        if status == "FOUND":
            return ScanResult(infected=True, signature=(signature or "")[:100])
        raise ScannerUnavailable(f"clamd answered {status}")
