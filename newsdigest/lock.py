"""A lock on a folder, so that two runs never write the same content or output at once.

The lock is an `flock` on the folder itself (its own directory descriptor): no lock
file to leave behind, nothing that depends on where temporary files go, and the
folder's bytes stay the run's own. The kernel drops it when the process ends, even on
SIGKILL, so a crashed run never leaves a stale lock; the kernel also knows who holds
it (`/proc/locks`), which a refused run names. Within one process the lock is
re-entrant: a build holds the content folder for its ingest and its rendering alike.
"""

from __future__ import annotations

import fcntl
import os
from contextlib import contextmanager
from pathlib import Path


class LockedError(RuntimeError):
    """Another run holds the folder."""


_held: dict[str, int] = {}  # resolved folder -> how many times this process holds it


@contextmanager
def folder_lock(folder: Path):
    """Hold an exclusive lock on `folder` for the duration; fail at once if another run holds it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    key = str(folder.resolve())
    if _held.get(key):
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = lock_holder(folder)
        os.close(descriptor)
        raise LockedError(
            f"{folder} is in use by another newsdigest run (pid {holder or 'unknown'}); "
            "nothing was changed, try again when it ends"
        ) from None
    _held[key] = 1
    try:
        yield
    finally:
        del _held[key]
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)


def lock_holder(folder: Path) -> int | None:
    """The process that holds the lock on `folder`, as the kernel lists it (None if none)."""
    try:
        info = os.stat(folder)
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return None
    device = f"{os.major(info.st_dev):02x}:{os.minor(info.st_dev):02x}:{info.st_ino}"
    for line in lines:
        fields = line.split()
        if "FLOCK" in fields and device in fields and "->" not in fields:
            pid = fields[fields.index(device) - 1]
            return int(pid) if pid.isdigit() else None
    return None
