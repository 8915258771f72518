"""The one error a curator or user sees: a message that names the file, the record and the fix."""


class CuratorError(Exception):
    """Bad input. The command line prints the message alone (no traceback) and exits 2."""

    def __init__(self, message: str, *, file: str | None = None, record: str | None = None):
        where = ": ".join(part for part in (file, record) if part)
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        self.record = record
