"""Benchmark of partial downloads, end to end through a real Celery worker (request → file ready).

For a 10-minute 1080p x264 closed-GOP master at broadcast bit rate (25p, and 29.97 with
--rate 2997), in one run:

1. fast 60 s part (through the worker) against bare ``ffmpeg -ss -i -t 60 -c copy`` of the same
   part (target: at most 1.5x);
2. frame-accurate 10 s, 60 s and 10 min parts: smart cut (through the worker) against a full
   re-encode of the same part (the engine's re-encode, the same encoder settings and gate)
   (targets: at least 6x faster at 60 s, 30x at 10 min; smart cut time within ±25 % from 10 s
   to 10 min); --no-long skips the 10-minute re-encode, the longest measurement by far, and
   --long-preset chooses its x264 preset (production's is veryfast; ultrafast by default here,
   so that the reference is the fastest re-encode there is, and said so in the output);
3. a cached part's second request through nginx (deploy/'s configuration: signed link →
   Django → X-Accel-Redirect → nginx) against nginx serving the same file directly
   (target: at least 0.75x);
4. 10 identical concurrent requests: one ffmpeg job (final mux runs counted through an
   ``ffmpeg`` on the worker's PATH that logs its arguments), all ten get the same part.

Each frame-accurate result's quality gate (frames, PSNR at both ends, decode errors, audio
offset) is printed with the timings. Generate the master once (minutes) and pass its path:

    .venv/bin/python bench/clips.py --master PATH [--rate 25|2997] [--runs 3] [--no-long]
        [--lengths 10,60,598] [--long-preset ultrafast|veryfast]

DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) must be set.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
os.environ.setdefault("NEWSROOM_VAR_DIR", str(OUT / "clips-var"))
QUEUE = "bench-clips-%s" % secrets.token_hex(4)
os.environ["NEWSROOM_CLIPS_QUEUE"] = QUEUE


def generate_master(path: Path, rate: str, minutes: float) -> None:
    """1080p x264, closed GOP of 2 s, 25 Mb/s, stereo AAC (about 1.9 GB for 10 minutes)."""
    partial = path.with_suffix(".partial.mp4")
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=%s" % rate,
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(int(minutes * 60)), "-c:v", "libx264", "-preset", "veryfast",
            "-b:v", "25M", "-maxrate", "25M", "-bufsize", "25M", "-g", "50",
            "-keyint_min", "50", "-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "192k", str(partial),
        ],
        check=True,
    )  # fmt: skip
    partial.rename(path)


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def start_worker(var_dir: Path, shim_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "PATH": "%s:%s" % (shim_dir, os.environ["PATH"])}
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "cms", "worker", "-Q", QUEUE, "--pool",
         "solo", "-n", "%s@localhost" % QUEUE, "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--loglevel", "warning"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip


def make_shim(directory: Path, log: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    real = shutil.which("ffmpeg")
    shim = directory / "ffmpeg"
    shim.write_text('#!/bin/sh\necho "$*" >> %s\nexec %s "$@"\n' % (log, real))
    shim.chmod(0o755)


def video_for(master: Path):
    from django.utils import timezone

    from media_assets.ffmpeg import probe
    from media_assets.models import Video
    from media_assets.storage import private_storage

    name = "masters/bench/%s" % master.name
    target = Path(private_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        try:
            os.link(master, target)  # the same bytes, no 2 GB copy
        except OSError:
            target.symlink_to(master.resolve())
    info = probe(target)
    stat = target.stat()
    video = Video(
        title="Benchmark master",
        file=name,
        duration=round(info.duration, 3),
        width=info.width,
        height=info.height,
        frame_rate_numerator=info.frame_rate.numerator,
        frame_rate_denominator=info.frame_rate.denominator,
        container=info.container,
        processing_state="ready",
        public_since=timezone.now(),  # shown by a live release: its parts may be served
        # a stand-in identity (hashing 2 GB is not what is measured); unique per run
        checksum=(
            "bench%d%d%s" % (stat.st_size, stat.st_mtime_ns, secrets.token_hex(8))
        )[:64],
    )
    video.save()
    return video


def through_worker(video, spans, cut) -> tuple[float, object]:
    """Seconds from the request to the file ready, and the clip."""
    from media_assets import clips
    from media_assets.choices import ClipState

    started = time.perf_counter()
    clip = clips.request_part(video=video, spans=spans, cut=cut)
    while clip.state not in (ClipState.READY, ClipState.FAILED):
        time.sleep(0.02)
        clip.refresh_from_db()
    elapsed = time.perf_counter() - started
    if clip.state != ClipState.READY:
        raise SystemExit("part failed: %s %s" % (clip.error, clip.error_detail))
    return elapsed, clip


def bare_copy(master: Path, start: float, seconds: float, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", "%.6f" % start, "-i",
         str(master), "-t", "%.6f" % seconds, "-map", "0", "-c", "copy", str(target)],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def full_reencode(master: Path, spans, preset: str) -> tuple[float, object]:
    from media_assets.clipping import encoders, engine
    from media_assets.clipping.index import index_master

    index = index_master(master)
    workdir = Path(tempfile.mkdtemp(prefix="bench-reencode-", dir=OUT))
    encoders.REENCODE_PRESET = preset
    try:
        started = time.perf_counter()
        result = engine.make_part(
            index, spans, engine.EXACT, workdir, name="part",
            force_method=engine.METHOD_REENCODE,
        )  # fmt: skip
        return time.perf_counter() - started, result
    finally:
        encoders.REENCODE_PRESET = "veryfast"
        shutil.rmtree(workdir, ignore_errors=True)


def gate_line(gate: dict) -> str:
    psnr = ", ".join(
        "%s %s dB" % (entry["at"], entry["match"]) for entry in gate["psnr"]
    )
    return "gate %s: %d/%d frames, %s, decode errors %s, audio offset %s s, drift %s s" % (
        "passed" if gate["passed"] else "FAILED",
        gate["frames"], gate["expected_frames"], psnr,
        "none" if not gate["decode_errors"] else "yes",
        gate["audio_offset"], gate["audio_drift"],
    )  # fmt: skip


def curl_seconds(url: str) -> float:
    completed = subprocess.run(
        ["curl", "-s", "-f", "-o", "/dev/null", "-w", "%{time_total}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(completed.stdout)


def nginx_against_direct(video, rate, work: Path, runs: int = 5) -> None:
    """The second request of a cached 60 s part, through nginx and directly.

    Signed link through nginx → Django → X-Accel-Redirect (with the cached part's look-up),
    against nginx's own static location serving the same file.
    """
    from django.conf import settings

    from accounts.factories import VerifiedJournalistFactory
    from media_assets import clips, downloads
    from media_assets.choices import ClipCut
    from media_assets.storage import private_storage
    from tests.downloads.appserver import app_server
    from tests.nginx import run_nginx

    spans = [(1013, 1013 + int(60 * rate))]
    clips.request_part(video=video, spans=spans, cut=ClipCut.FAST)  # the first request
    person = VerifiedJournalistFactory()
    settings.NEWSROOM_ACCEL_LOCATIONS = {"private": "/protected/"}
    settings.NEWSROOM_DOWNLOADS_PER_HOUR = 1000
    settings.ALLOWED_HOSTS = ["*"]
    through, direct = [], []
    with app_server() as app:
        clip = clips.request_part(video=video, spans=spans, cut=ClipCut.FAST)
        path = Path(private_storage.path(clip.file.name))
        with run_nginx(
            work / "nginx", app, media_root=work / "media",
            private_root=Path(private_storage.location), static_root=path.parent,
        ) as base:  # fmt: skip
            for _run in range(runs):
                started = time.perf_counter()
                clip = clips.request_part(video=video, spans=spans, cut=ClipCut.FAST)
                link = downloads.make_link(
                    user=person, kind="part", object_id=clip.pk, filename="part.mp4"
                )
                asking = time.perf_counter() - started
                through.append(asking + curl_seconds(base + link))
                direct.append(curl_seconds(base + "/static/" + path.name))
    size = path.stat().st_size
    print("cached 60 s part (%.0f MB), second request: through nginx + Django + X-Accel "
          "median %.3f s (%.2f GB/s), nginx direct %.3f s (%.2f GB/s); ratio %.2fx of direct "
          "(target >= 0.75x)" % (
        size / 1e6, median(through), size / median(through) / 1e9, median(direct),
        size / median(direct) / 1e9, median(direct) / median(through)), flush=True)  # fmt: skip


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", type=Path, required=True)
    parser.add_argument("--rate", default="25", choices=["25", "2997"])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-long", action="store_true")
    parser.add_argument(
        "--lengths", default="10,60,598", help="frame-accurate part lengths in seconds"
    )
    parser.add_argument("--long-preset", default="ultrafast")
    parser.add_argument(
        "--steps",
        default="fast,exact,nginx,concurrent",
        help="which measurements to run (comma-separated)",
    )
    args = parser.parse_args()
    args.master = args.master.resolve()
    if not args.master.exists():
        print("Generating %s (once; minutes)…" % args.master, flush=True)
        generate_master(args.master, "30000/1001" if args.rate == "2997" else "25", 10)
    setup_django()
    from fractions import Fraction

    from media_assets.choices import ClipCut
    from media_assets.clipping.index import index_master

    work = Path(tempfile.mkdtemp(prefix="bench-clips-"))
    log = work / "ffmpeg.log"
    log.touch()
    make_shim(work / "bin", log)
    worker = start_worker(Path(os.environ["NEWSROOM_VAR_DIR"]), work / "bin")
    video = video_for(args.master)
    index = index_master(args.master)
    rate = index.rate
    print("master: %s, %s fps, %d frames, keyframes every %d" % (
        args.master.name, rate, index.frame_count, index.keyframes[1]), flush=True)  # fmt: skip
    steps = set(args.steps.split(","))
    try:
        # 1. fast 60 s
        fast, bare = [], []
        for run in range(args.runs if "fast" in steps else 0):
            start = 1013 + 997 * run  # off keyframes, a new part each run
            end = start + int(60 * rate)
            elapsed, clip = through_worker(video, [(start, end)], ClipCut.FAST)
            fast.append(elapsed)
            real_start = Fraction(clip.real_spans[0][0]) / rate
            seconds = Fraction(clip.real_spans[0][1] - clip.real_spans[0][0]) / rate
            bare.append(bare_copy(args.master, real_start, seconds, work / "bare.mp4"))
        if fast:
            print("fast 60 s part: worker median %.2f s, bare ffmpeg -c copy %.2f s, ratio %.2fx "
                  "(target <= 1.5x)" % (median(fast), median(bare), median(fast) / median(bare)),
                  flush=True)  # fmt: skip

        # 2. frame-accurate 10 s, 60 s, 10 min
        lengths = [int(value) for value in args.lengths.split(",")]
        if "exact" not in steps:
            lengths = []
        smart_medians = {}
        for seconds in lengths:
            frames = int(seconds * rate)
            smart = []
            for run in range(args.runs if seconds < 300 else 1):
                start = 13 + 7 * run
                elapsed, clip = through_worker(
                    video, [(start, start + frames)], ClipCut.EXACT
                )
                smart.append(elapsed)
            smart_medians[seconds] = median(smart)
            print("frame-accurate %d s (%s): smart cut median %.2f s; %s" % (
                seconds, clip.method, median(smart), gate_line(clip.gate)), flush=True)  # fmt: skip
            if seconds >= 300 and args.no_long:
                print("  full re-encode of 10 min: skipped (--no-long)", flush=True)
                continue
            preset = args.long_preset if seconds >= 300 else "veryfast"
            elapsed, result = full_reencode(args.master, [(13, 13 + frames)], preset)
            print("  full re-encode (x264 %s) %.2f s (%s); smart cut is %.1fx faster "
                  "(target %s)" % (
                preset, elapsed, gate_line(result.gate), elapsed / median(smart),
                {10: "-", 60: ">= 6x"}.get(seconds, ">= 30x")), flush=True)  # fmt: skip
        spread = max(smart_medians.values() or [1]) / min(smart_medians.values() or [1])
        print("smart cut time from 10 s to 10 min: %s; max/min %.2f (target <= 1.25/0.75)" % (
            ", ".join("%.2f s" % v for v in smart_medians.values()), spread), flush=True)  # fmt: skip

        # 3. a cached part through nginx, against nginx serving the file directly
        if "nginx" in steps:
            nginx_against_direct(video, rate, work)

        # 4. ten identical concurrent requests
        if "concurrent" not in steps:
            return
        from django.db import connection

        from media_assets import clips

        before = sum("pieces.txt" in line for line in log.read_text().splitlines())
        ids, barrier = [], threading.Barrier(10)

        def ask():
            barrier.wait()
            ids.append(clips.request_part(
                video=video, spans=[(2013, 2013 + int(30 * rate))], cut=ClipCut.EXACT).pk)  # fmt: skip
            connection.close()

        threads = [threading.Thread(target=ask) for _ in range(10)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        from media_assets.models import Clip

        clip = Clip.objects.get(pk=ids[0])
        while clip.state not in ("ready", "failed"):
            time.sleep(0.05)
            clip.refresh_from_db()
        mux_runs = (
            sum("pieces.txt" in line for line in log.read_text().splitlines()) - before
        )
        print("10 identical concurrent requests: %d clip(s), %d ffmpeg job(s), state %s, "
              "%.2f s" % (len(set(ids)), mux_runs, clip.state, time.perf_counter() - started))  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
