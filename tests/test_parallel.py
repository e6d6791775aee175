"""Work in forked children: outcomes, errors and conversations come back whole."""

import os

import pytest

from newsdigest.parallel import Forked, run_forked


def _talk(first):
    told = yield first, os.getpid()
    again = yield told * 2
    return f"{again}, from {os.getpid()}"


def _fails_after_one():
    yield "ready"
    raise KeyError("no such page")


def test_a_call_in_a_child_gives_its_value_or_its_error():
    child = Forked(sorted, [3, 1, 2])
    assert child.result() == [1, 2, 3]
    with pytest.raises(ChildProcessError):  # reaped: its time counts as this process's
        os.waitpid(child.pid, os.WNOHANG)
    with pytest.raises(ZeroDivisionError):
        run_forked(divmod, 1, 0)


def test_a_child_is_told_how_to_go_on_and_answers_each_time():
    child = Forked(_talk, "loaded")
    first, pid = child.result()
    assert first == "loaded" and pid != os.getpid()
    child.send(21)
    assert child.result() == 42
    child.send("done")
    assert child.result() == f"done, from {pid}"
    child.close()
    with pytest.raises(ChildProcessError):  # reaped: its time counts as this process's
        os.waitpid(pid, os.WNOHANG)


def test_a_child_told_nothing_more_ends_where_it_waits():
    child = Forked(_talk, "loaded")
    child.result()
    child.close()  # returns once the child has ended, and has reaped it
    assert child.done()
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)
    with pytest.raises(RuntimeError, match="died"):
        child.result()  # it said nothing more


def test_an_error_after_a_step_is_raised_here():
    child = Forked(_fails_after_one)
    assert child.result() == "ready"
    child.send(None)
    with pytest.raises(KeyError, match="no such page"):
        child.result()
