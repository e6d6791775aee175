"""The one way work runs in other processes: forked, so a child shares what the parent built.

- `map_forked`: one function over many items, one process per core (ingest's seeds,
  the article files Pelican is about to read).
- `Forked` / `run_forked`: one call in a child of its own, whose memory ends with it
  (ingest before rendering; each batch of article pages).
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

__all__ = ["BrokenProcessPool", "Forked", "map_forked", "run_forked", "workers"]

_PR_SET_PDEATHSIG = 1


def workers() -> int:
    """Processes to use: one per core."""
    return os.cpu_count() or 1


def map_forked(function: Callable, items: Iterable, processes: int, chunksize: int = 1) -> Iterator:
    """`function` over `items` in `processes` forked workers, results in order.

    A worker that dies raises `BrokenProcessPool` here: the caller decides what the
    items left over become.
    """
    method = "fork" if sys.platform.startswith("linux") else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        yield from pool.map(function, items, chunksize=chunksize)


class Forked:
    """`function(*args, **kwargs)` running in a forked child; `result()` gives its outcome.

    The outcome (a value or an exception) comes back pickled through a pipe. The child
    dies with this process, so a run killed midway leaves no worker behind.
    """

    def __init__(self, function: Callable, *args, **kwargs):
        self.name = getattr(function, "__name__", "the step")
        self._data = bytearray()
        self._status: int | None = None
        read_end, write_end = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read_end)
            _child(write_end, function, args, kwargs)  # never returns
        os.close(write_end)
        self._pipe = read_end
        os.set_blocking(read_end, False)

    def done(self) -> bool:
        """Whether the child has finished; reads what it sent so far (it never blocks on us)."""
        if self._status is not None:
            return True
        while True:
            try:
                chunk = os.read(self._pipe, 1 << 16)
            except BlockingIOError:
                return False
            if not chunk:
                break
            self._data += chunk
        os.close(self._pipe)
        self._status = os.waitpid(self.pid, 0)[1]
        return True

    def result(self):
        """Wait for the child; its return value, or its exception raised here."""
        if self._status is None:
            os.set_blocking(self._pipe, True)
            self.done()
        if not self._data:
            code = os.waitstatus_to_exitcode(self._status)
            reason = f"signal {-code}" if code < 0 else f"exit code {code}"
            raise RuntimeError(f"{self.name} died ({reason})")
        ok, value = pickle.loads(bytes(self._data))
        if ok:
            return value
        raise value


def run_forked(function: Callable, *args, **kwargs):
    """`function(*args, **kwargs)` in a forked child: its result, or its exception raised here.

    Falls back to a plain call where there is no `fork`.
    """
    return start_forked(function, *args, **kwargs).result()


def start_forked(function: Callable, *args, **kwargs):
    """`function(*args, **kwargs)` started in a forked child; `.result()` waits for it. Where
    there is no `fork`, it runs now and `.result()` gives its outcome."""
    if hasattr(os, "fork"):
        return Forked(function, *args, **kwargs)
    return _Done(function, args, kwargs)


class _Done:
    def __init__(self, function: Callable, args, kwargs):
        try:
            self._outcome = (True, function(*args, **kwargs))
        except Exception as error:
            self._outcome = (False, error)

    def result(self):
        ok, value = self._outcome
        if ok:
            return value
        raise value


def _child(write_end: int, function: Callable, args, kwargs) -> None:
    """Do the work, send the outcome, leave without running the parent's cleanup."""
    _die_with_parent()
    try:
        outcome = (True, function(*args, **kwargs))
    except BaseException as error:  # SystemExit and KeyboardInterrupt travel too
        outcome = (False, error)
    try:
        data = pickle.dumps(outcome)
    except Exception as error:  # an unpicklable result or exception
        data = pickle.dumps((False, RuntimeError(f"{outcome[1]!r} ({error})")))
    try:
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(0)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
