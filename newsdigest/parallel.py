"""The one way work runs in other processes: forked, so a child shares what the parent built.

- `map_forked`: one function over many items, one process per core (ingest's seeds,
  the article files Pelican is about to read).
- `Forked` / `run_forked`: one call in a child of its own, whose memory ends with it
  (ingest before rendering; each batch of article pages), or a conversation with it (the
  build's child loads Pelican while ingest runs, then is told whether to go on).
"""

from __future__ import annotations

import ctypes
import inspect
import multiprocessing
import os
import pickle
import select
import signal
import struct
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

    A generator function holds a conversation: each value it yields is a `result()` here,
    and `send(message)` is what its `yield` returns; `close()` (or this process ending)
    ends it at that `yield`. A child can so load what a step needs while the caller does
    other work, and be told afterwards whether and how to go on.
    """

    def __init__(self, function: Callable, *args, **kwargs):
        self.name = getattr(function, "__name__", "the step")
        self._data = bytearray()
        self._status: int | None = None
        read_end, write_end = os.pipe()
        told, tell = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:
            os.close(read_end)
            os.close(tell)
            _child(write_end, told, function, args, kwargs)  # never returns
        os.close(write_end)
        os.close(told)
        self._pipe, self._tell = read_end, tell
        os.set_blocking(read_end, False)

    def done(self) -> bool:
        """Whether the child has finished; reads what it sent so far (it never blocks on us)."""
        while self._status is None and self._read():
            pass
        return self._status is not None

    def result(self):
        """Wait for the child's next outcome: a value, or its exception raised here."""
        while (frame := self._frame()) is None and self._status is None:
            select.select([self._pipe], [], [])
            self._read()
        if frame is None:
            code = os.waitstatus_to_exitcode(self._status)
            reason = f"signal {-code}" if code < 0 else f"exit code {code}"
            raise RuntimeError(f"{self.name} died ({reason})")
        del self._data[: _HEAD.size + len(frame)]
        ok, value, last = pickle.loads(frame)
        if last:  # the child is ending: wait for it, so that its time is counted as ours
            self.close()
        if ok:
            return value
        raise value

    def send(self, message) -> None:
        """What the child's waiting `yield` returns."""
        data = pickle.dumps(message)
        data = memoryview(_HEAD.pack(len(data)) + data)
        while data:
            data = data[os.write(self._tell, data) :]

    def close(self) -> None:
        """No more messages: a child waiting at a `yield` ends there; wait for its end."""
        self._hang_up()
        if self._status is None:
            os.set_blocking(self._pipe, True)
        while not self.done():
            pass

    def _hang_up(self) -> None:
        if self._tell is not None:
            os.close(self._tell)
            self._tell = None

    def _read(self) -> bool:
        """Take what the child sent; False once nothing more is there for now."""
        try:
            chunk = os.read(self._pipe, 1 << 16)
        except BlockingIOError:
            return False
        if chunk:
            self._data += chunk
            return True
        os.close(self._pipe)
        self._hang_up()
        self._status = os.waitpid(self.pid, 0)[1]
        return False

    def _frame(self) -> bytes | None:
        """The first whole outcome received, if any."""
        if len(self._data) < _HEAD.size:
            return None
        (size,) = _HEAD.unpack_from(self._data)
        if len(self._data) < _HEAD.size + size:
            return None
        return bytes(self._data[_HEAD.size : _HEAD.size + size])


_HEAD = struct.Struct("<Q")  # the length of each pickle sent through a pipe


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
    """`Forked`'s outcomes where there is no `fork`: each one worked out here, when asked."""

    def __init__(self, function: Callable, args, kwargs):
        self._outcome = _outcome(function, *args, **kwargs)
        self._steps = self._outcome[1] if inspect.isgenerator(self._outcome[1]) else None
        if self._steps is not None:
            self._outcome = _step(self._steps, None)[1]

    def result(self):
        ok, value = self._outcome
        if ok:
            return value
        raise value

    def send(self, message) -> None:
        self._outcome = _step(self._steps, message)[1]

    def close(self) -> None:
        if self._steps is not None:
            self._steps.close()


def _child(write_end: int, told: int, function: Callable, args, kwargs) -> None:
    """Do the work, send each outcome, leave without running the parent's cleanup."""
    _die_with_parent()
    out = os.fdopen(write_end, "wb")
    try:
        outcome = _outcome(function, *args, **kwargs)
        if not inspect.isgenerator(outcome[1]):
            _send(out, outcome, last=True)
            return
        steps, message = outcome[1], None
        while True:
            last, outcome = _step(steps, message)
            _send(out, outcome, last)
            if last:
                return
            message = _receive(told)
            if message is _NOTHING:
                steps.close()
                return
    finally:
        try:
            out.close()
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(0)


_NOTHING = object()


def _outcome(function: Callable, *args, **kwargs) -> tuple[bool, object]:
    try:
        return True, function(*args, **kwargs)
    except BaseException as error:  # SystemExit and KeyboardInterrupt travel too
        return False, error


def _step(steps, message) -> tuple[bool, tuple[bool, object]]:
    """A generator's next outcome, and whether it was its last."""
    try:
        return False, (True, steps.send(message))
    except StopIteration as end:
        return True, (True, end.value)
    except BaseException as error:
        return True, (False, error)


def _send(out, outcome: tuple[bool, object], last: bool) -> None:
    try:
        data = pickle.dumps((*outcome, last))
    except Exception as error:  # an unpicklable result or exception
        data = pickle.dumps((False, RuntimeError(f"{outcome[1]!r} ({error})"), last))
    out.write(_HEAD.pack(len(data)))
    out.write(data)
    out.flush()


def _receive(told: int):
    """The parent's next message, or `_NOTHING` once it closed its end."""
    head = _read_exactly(told, _HEAD.size)
    data = _read_exactly(told, _HEAD.unpack(head)[0]) if len(head) == _HEAD.size else b""
    return pickle.loads(data) if data else _NOTHING


def _read_exactly(fd: int, size: int) -> bytes:
    data = bytearray()
    while len(data) < size and (chunk := os.read(fd, size - len(data))):
        data += chunk
    return bytes(data)


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
