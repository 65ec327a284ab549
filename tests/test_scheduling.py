"""The test run's scheduler hands a process its next module only on its current one's last test."""

from __future__ import annotations

from importlib.metadata import version

import pytest

from tests.scheduling import LateLoadScopeScheduling


class Process:
    """A pytest-xdist worker as the scheduler sees it: the test indexes it was sent."""

    def __init__(self, name: str) -> None:
        self.gateway = type("Gateway", (), {"id": name})()
        self.shutting_down = False
        self.sent: list[list[int]] = []

    def send_runtest_some(self, indexes: list[int]) -> None:
        self.sent.append(indexes)

    def shutdown(self) -> None:
        self.shutting_down = True


COLLECTION = [
    "tests/a.py::test_1",
    "tests/a.py::test_2",
    "tests/a.py::test_3",
    "tests/b.py::test_1",
    "tests/c.py::test_1",
    "tests/c.py::test_2",
    "tests/d.py::test_1",
]


class Options:
    """`make test`'s options as the scheduler reads them: two processes, modules in order."""

    loadscopereorder = False

    def getvalue(self, name: str):
        return {"tx": ["2*popen"]}[name]

    @property
    def option(self):
        return self


@pytest.fixture
def scheduler():
    scheduler = LateLoadScopeScheduling(Options())
    first, second = Process("gw0"), Process("gw1")
    for process in (first, second):
        scheduler.add_node(process)
        scheduler.add_node_collection(process, COLLECTION)
    scheduler.schedule()
    return scheduler, first, second


def test_each_process_starts_on_one_module(scheduler):
    _scheduler, first, second = scheduler

    assert first.sent == [[0, 1, 2]]
    # b.py has one test: its process, on its last test, gets the next module at once
    assert second.sent == [[3], [4, 5]]


def test_the_next_module_goes_out_only_on_the_last_test(scheduler):
    scheduler, first, second = scheduler

    scheduler.mark_test_complete(first, 0)
    assert first.sent == [[0, 1, 2]]  # two tests of a.py left: nothing more yet

    scheduler.mark_test_complete(first, 1)
    assert first.sent == [[0, 1, 2], [6]]  # on its last test: d.py, the last module

    scheduler.mark_test_complete(second, 3)
    assert second.shutting_down  # nothing left to hand out: it ends after c.py
    assert not first.shutting_down


def test_the_private_parts_it_extends_are_those_of_the_pinned_version():
    # LateLoadScopeScheduling overrides _reschedule and calls _pending_of and
    # _assign_work_unit: check them again before moving off this version
    assert version("pytest-xdist") == "3.8.0"
