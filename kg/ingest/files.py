"""Reading an input file safely: regular files only, a size limit, a read timeout, strict UTF-8.

A directory, FIFO or device given where a file is expected is named and never read (a FIFO
would block for ever); a file larger than the limit is refused before it is read; bytes that
are not UTF-8 are named by line and column, as a curator's editor shows them.
"""

import os
import stat
import threading
from pathlib import Path

from kg.errors import CuratorError

READ_TIMEOUT = 30.0  # seconds: a local file is read in well under one
KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO (named pipe)",
         stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
         stat.S_IFSOCK: "a socket"}


def check_regular(path: Path, display: str) -> int:
    """The size of a regular file; anything else is refused without opening it for reading."""
    try:
        info = path.stat()
    except OSError as err:
        raise CuratorError(f"cannot be read ({err.strerror})", file=display) from None
    if not stat.S_ISREG(info.st_mode):
        kind = KINDS.get(stat.S_IFMT(info.st_mode), "not a regular file")
        raise CuratorError(f"is {kind}, not a file; put the file itself here", file=display)
    return info.st_size


def read_bytes(path: Path, display: str, *, limit: int) -> bytes:
    """A regular file's bytes, at most `limit` of them, within READ_TIMEOUT seconds."""
    size = check_regular(path, display)
    if size > limit:
        raise CuratorError(f"is {size:,} bytes, over the limit of {limit:,} for this kind of "
                           "file; split it or check that it is the right file", file=display)
    outcome: dict[str, bytes | OSError] = {}

    def read() -> None:
        try:
            # O_NONBLOCK: if the path became a FIFO since the check, opening does not wait
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
            with os.fdopen(fd, "rb") as handle:
                if not stat.S_ISREG(os.fstat(fd).st_mode):
                    raise OSError(0, "not a regular file")
                outcome["data"] = handle.read(limit + 1)
        except OSError as err:
            outcome["error"] = err

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(READ_TIMEOUT)
    if reader.is_alive():
        raise CuratorError(f"reading took over {READ_TIMEOUT:.0f} s; is it on a stalled "
                           "network drive?", file=display)
    if "error" in outcome:
        err = outcome["error"]
        raise CuratorError(f"cannot be read ({getattr(err, 'strerror', err)})", file=display)
    data = outcome["data"]
    assert isinstance(data, bytes)
    if len(data) > limit:
        raise CuratorError(f"grew over the limit of {limit:,} bytes while being read",
                           file=display)
    return data


def decode_utf8(data: bytes, display: str) -> str:
    """Strict UTF-8 (a byte-order mark is dropped); a bad byte is named by line and column."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CuratorError("is UTF-16 (it starts with a UTF-16 byte-order mark); save it as "
                           "UTF-8", file=display)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        raise CuratorError(f"byte 0x{data[err.start]:02x} at column {column} (byte "
                           f"{err.start}) is not UTF-8; save the file as UTF-8",
                           file=display, record=f"line {line}") from None
    return text.removeprefix("\ufeff")


def read_text(path: Path, display: str, *, limit: int) -> str:
    """A regular file read and decoded strictly; a NUL byte is refused with its line."""
    text = decode_utf8(read_bytes(path, display, limit=limit), display)
    if "\x00" in text:
        at = text.index("\x00")
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        raise CuratorError(f"a NUL byte at column {column}; a text file holds none (was it "
                           "saved by a word processor or as UTF-16?)", file=display,
                           record=f"line {line}")
    return text
