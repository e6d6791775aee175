"""Run a step of a build in a forked process, so that its memory ends with it.

`invoke build` ingests, then renders. Ingest leaves tens of megabytes behind in the
process (the ledger, the tagger's vocabulary, the seeds' digests) that rendering does
not need; run in a child, they go back to the system before Pelican starts.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys

_PR_SET_PDEATHSIG = 1


def run_forked(function, *args, **kwargs):
    """`function(*args, **kwargs)` in a forked child: its result, or its exception raised here.

    Falls back to a plain call where there is no `fork`. The child dies with this process
    (a build killed midway leaves no ingest running on its own).
    """
    if not hasattr(os, "fork"):
        return function(*args, **kwargs)
    read_end, write_end = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: do the work, send the outcome, leave without any cleanup
        os.close(read_end)
        _die_with_parent()
        try:
            outcome = (True, function(*args, **kwargs))
        except BaseException as error:  # SystemExit and KeyboardInterrupt travel too
            outcome = (False, error)
        try:
            data = pickle.dumps(outcome)
        except Exception as error:  # an unpicklable result or exception
            data = pickle.dumps((False, RuntimeError(f"{outcome[1]!r} ({error})")))
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    os.close(write_end)
    try:
        with os.fdopen(read_end, "rb") as handle:
            data = handle.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if not data:
        code = os.waitstatus_to_exitcode(status)
        reason = f"signal {-code}" if code < 0 else f"exit code {code}"
        raise RuntimeError(f"{getattr(function, '__name__', 'the step')} died ({reason})")
    ok, value = pickle.loads(data)
    if ok:
        return value
    raise value


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
