"""What one process of a test run makes once for all the run's processes (pytest-xdist workers).

Small videos and masters, production's collected static files, the seeded demo: each took every
process several seconds to make again. They go in the run's directory (tests/conftest.py
removes it after a green run); a file lock makes the other processes wait for the one making it.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


# The run's directory: the first process's (tests/conftest.py), inherited by the others.
RUN_SHARED_DIRECTORY = "NEWSROOM_TEST_RUN_DIRECTORY"


def shared_directory() -> Path:
    return Path(os.environ.get(RUN_SHARED_DIRECTORY) or tempfile.gettempdir())


def made_once(name: str, make: Callable[[Path], None]) -> Path:
    """The directory `name` of the run, made by `make(directory)` in the first process that asks.

    `make` fills the empty directory it is given; a process that finds it made (even while
    another makes it: it waits) gets it as it is. What `make` raises is raised in the process
    that called it, and the next process to ask tries again.
    """
    directory = shared_directory() / "made-once" / name
    directory.parent.mkdir(parents=True, exist_ok=True)
    done = directory.with_name(directory.name + ".done")
    if done.exists():
        return directory
    with directory.with_name(directory.name + ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not done.exists():
            directory.mkdir(exist_ok=True)
            make(directory)
            done.touch()
    return directory
