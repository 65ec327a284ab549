"""ffmpeg for cuts: the hardened limits of media_assets.ffmpeg, plus progress and a working directory."""

from __future__ import annotations

import logging
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from media_assets import conf
from media_assets.ffmpeg import OUT_OF_MEMORY, MediaError, limited


logger = logging.getLogger(__name__)

# Called with the number of output microseconds ffmpeg has written so far.
OnProgress = Callable[[int], None]

# Every ffmpeg run of a cut goes through `run_ffmpeg`; tests and the benchmark count them here.
RUNS = {"ffmpeg": 0}


def run_ffmpeg(
    args: list[str],
    *,
    timeout: float,
    cwd: Path | None = None,
    on_progress: OnProgress | None = None,
) -> str:
    """Run ffmpeg (args without the program name) within the limits; return stderr.

    ``-progress pipe:1`` is read line by line: each ``out_time_us`` goes to ``on_progress``.
    MediaError when ffmpeg fails, runs out of memory or time.
    """
    RUNS["ffmpeg"] += 1
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-nostats", "-v", "error"]
    if on_progress is not None:
        command += ["-progress", "pipe:1"]
    command += args
    logger.debug("ffmpeg %s", " ".join(command))
    process = subprocess.Popen(
        limited(command, conf.ffmpeg_memory_limit()),
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    stderr_chunks: list[bytes] = []
    reader = threading.Thread(
        target=lambda: stderr_chunks.append(process.stderr.read()), daemon=True
    )
    reader.start()
    deadline = time.monotonic() + timeout
    timer = threading.Timer(timeout, process.kill)
    timer.start()
    try:
        for raw in process.stdout:
            line = raw.decode("ascii", "replace").strip()
            if on_progress is not None and line.startswith("out_time_us="):
                value = line.partition("=")[2]
                if value.lstrip("-").isdigit():
                    on_progress(max(0, int(value)))
        process.wait()
    finally:
        timer.cancel()
        reader.join()
    stderr = b"".join(stderr_chunks).decode("utf-8", "replace")
    if time.monotonic() >= deadline and process.returncode != 0:
        raise MediaError("timeout", "ffmpeg stopped after %ds" % timeout)
    if process.returncode != 0 or any(sign in stderr for sign in OUT_OF_MEMORY):
        code = "limit" if any(sign in stderr for sign in OUT_OF_MEMORY) else "ffmpeg"
        raise MediaError(code, "\n".join(stderr.strip().splitlines()[-8:]))
    return stderr
