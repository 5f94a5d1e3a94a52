"""Stand-in virus scanners (no ClamAV daemon in tests): settings.LD_VIRUS_SCANNER."""

from documents.scanning import ScannerUnavailable, ScanResult


class CleanScanner:
    scanned: list[bytes] = []

    def __init__(self, address):
        self.address = address

    def scan(self, stream):
        CleanScanner.scanned.append(stream.read())
        return ScanResult(infected=False)


class InfectedScanner(CleanScanner):
    def scan(self, stream):
        return ScanResult(infected=True, signature="Eicar-Test-Signature")


class DownScanner(CleanScanner):
    def scan(self, stream):
        raise ScannerUnavailable("Connection refused")
