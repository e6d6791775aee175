"""A lock on a folder, so that two runs never write the same content or output at once.

The lock is an `flock` on a file outside the folder (so the folder's bytes stay the run's
own); the kernel drops it when the process ends, even on SIGKILL, so a crashed run never
leaves a stale lock behind. Within one process the lock is re-entrant: a build holds the
content folder for its ingest and its rendering alike.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


class LockedError(RuntimeError):
    """Another run holds the folder."""


_held: dict[str, int] = {}  # lock file -> how many times this process holds it


def lock_path(folder: Path) -> Path:
    """The lock file of a folder: one per resolved path, in the system's temporary folder."""
    key = hashlib.sha256(str(Path(folder).resolve()).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"newsdigest-{key}.lock"


@contextmanager
def folder_lock(folder: Path):
    """Hold an exclusive lock on `folder` for the duration; fail at once if another run holds it."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = str(lock_path(folder))
    if _held.get(path):
        _held[path] += 1
        try:
            yield
        finally:
            _held[path] -= 1
        return
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise LockedError(
            f"{folder} is in use by another newsdigest run (pid {holder}); "
            "nothing was changed, try again when it ends"
        ) from None
    _held[path] = 1
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        del _held[path]
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
