"""A lock on a folder, so that two runs never write the same content or output at once."""

from __future__ import annotations

import fcntl
import hashlib
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path


class LockedError(RuntimeError):
    """Another run holds the folder."""


@contextmanager
def folder_lock(folder: Path):
    """Hold an exclusive lock on `folder` for the duration; fail at once if another run holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    # The lock file lives outside the folder, so the folder's bytes stay the run's own.
    key = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"newsdigest-{key}.lock"
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise LockedError(
            f"{folder} is in use by another newsdigest run (pid {holder}); try again when it ends"
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()
