"""One way to write a file: atomically, and only when its bytes change.

Every file is written to a temporary name beside its target and renamed over it, so a
crash never leaves a half-written article, page or ledger, and a reader sees the old
file or the new one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

TEMP_SUFFIX = ".newsdigest-tmp"


def atomic_write(path: Path, data: str | bytes | Iterable[str]) -> None:
    """Write to a temporary file in the same folder, then rename it over `path`.

    `data` may come in pieces of text (a large index need not be one string in memory).
    An OSError names `path` (a full disk fails in `write`, which names no file)."""
    pieces = [data] if isinstance(data, str | bytes) else data
    tmp = None
    try:
        try:  # the folder is there nearly always: made when it is not, not checked each time
            fd, tmp = _temporary(path)
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = _temporary(path)
        with os.fdopen(fd, "wb") as handle:
            for piece in pieces:
                handle.write(piece.encode("utf-8") if isinstance(piece, str) else piece)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as error:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        # an error naming the temporary file (or none) names the target instead
        if isinstance(error, OSError) and str(error.filename or TEMP_SUFFIX).endswith(TEMP_SUFFIX):
            error.filename = str(path)
        raise


def _temporary(path: Path) -> tuple[int, str]:
    return tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=TEMP_SUFFIX)


# Errors after which no further write can succeed: the run stops instead of failing each file.
STORAGE_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS}


def storage_failure(error: BaseException) -> str | None:
    """One line for an error of the storage itself (disk full, quota, read-only), else None."""
    if isinstance(error, OSError) and error.errno in STORAGE_ERRORS:
        where = f" while writing {error.filename}" if error.filename else ""
        return f"{(error.strerror or str(error)).lower()}{where}"
    return None


def write_if_changed(path: Path, data: str | bytes) -> bool:
    """`atomic_write` unless the file already holds exactly these bytes; True when it wrote.

    An unchanged file keeps its modification time, so rebuilds and syncs touch only what changed.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.stat().st_size == len(raw) and path.read_bytes() == raw:
            return False
    except OSError:
        pass  # not there yet, or unreadable: write it
    atomic_write(path, raw)
    return True


def remove_stale_temporaries(folder: Path) -> int:
    """Delete temporary files a killed run left in `folder`; call it only under the folder's lock."""
    removed = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                Path(root, name).unlink(missing_ok=True)
                removed += 1
    return removed
