"""Benchmark of partial downloads, end to end through a real Celery worker (request → file ready).

For a 10-minute 1080p x264 closed-GOP master at broadcast bit rate (25p, and 29.97 with
--rate 2997), in one run:

1. fast 60 s part (through the worker) against bare ``ffmpeg -ss -i -t 60 -c copy`` of the same
   part (target: at most 1.5x);
2. frame-accurate 10 s, 60 s and 10 min parts: smart cut (through the worker) against a full
   re-encode of the same part by the engine's own fallback (what the engine does where smart
   cut cannot be used: its x264 preset and rate settings, the same gate) (targets: at least
   6x faster at 60 s, 30x at 10 min; smart cut time within ±25 % from 10 s to 10 min);
   beside each, a bare ``ffmpeg -c copy`` of the same frames (which writes the same bytes) and
   the smart cut's own cost (its time minus that copy), with what the disk writes per second:
   a 10-minute part is 1.9 GB, and no cut can be faster than writing it;
   --no-long skips the re-encodes of parts over 60 s, the longest measurements by far;
3. a cached part's second request through nginx as deployed (deploy/'s nginx configuration,
   gunicorn with deploy/gunicorn.conf.py and production settings, DEBUG off: signed link →
   Django → X-Accel-Redirect → nginx) against nginx serving the same file directly (target:
   at least 0.75x); the look-up that gives the link (request_part + make_link) is timed apart;
4. 10 identical concurrent requests: one ffmpeg job (final mux runs counted through an
   ``ffmpeg`` on the worker's PATH that logs its arguments), all ten get the same part.

The worker is long-lived, as in production: the master's frame index (listed once per
master, kept by checksum) is made and one untimed part is cut before anything is timed.
Each frame-accurate result's quality gate (frames, PSNR at both ends, decode errors, audio
offset) is printed with the timings. A missing master is generated first (minutes; kept
under bench/out/, which git ignores):

    .venv/bin/python bench/clips.py --master bench/out/master-1080p25-clips.mp4
    .venv/bin/python bench/clips.py --master bench/out/master-1080p2997-clips.mp4 --rate 2997

Options: [--minutes 10] (a generated master's length) [--runs 3] [--no-long]
[--lengths 10,60,598] [--steps fast,exact,nginx,concurrent]. Each frame-accurate line ends
with the job's own split: seconds on the re-encoded pieces, the join, the gate.

DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis) must be set.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
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
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.mp4")
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=%s" % rate,
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(int(minutes * 60)), "-c:v", "libx264", "-preset", "veryfast",
            "-b:v", "25M", "-maxrate", "25M", "-bufsize", "25M",
            "-g", "60" if rate != "25" else "50", "-keyint_min", "60" if rate != "25" else "50",
            "-sc_threshold", "0", "-bf", "2", "-pix_fmt", "yuv420p",
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


def start_worker(shim_dir: Path) -> subprocess.Popen:
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
    if target.is_symlink() or (
        target.exists() and target.stat().st_ino != master.stat().st_ino
    ):
        target.unlink()  # a master generated again
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
        # a stand-in identity (hashing 2 GB is not what is measured); unique per run, so
        # that no part is found in the cache of an earlier run
        checksum=(
            "bench%d%d%s" % (stat.st_size, stat.st_mtime_ns, secrets.token_hex(8))
        )[:64],
    )
    video.save()
    return video


def clean_up(video) -> None:
    """The run's parts (files and rows), its index and its video: nothing is left behind."""
    from media_assets import clips
    from media_assets.models import Clip
    from media_assets.storage import private_storage

    for clip in Clip.objects.filter(checksum=video.checksum):
        clips._delete_part_files(clip)
    Clip.objects.filter(checksum=video.checksum).delete()
    Path(private_storage.path("%s/%s.json" % (clips.INDEX_DIR, video.checksum))).unlink(
        missing_ok=True
    )
    video.delete()


def wait_ready(clip_id: int, interval: float = 0.005):
    """Poll the clip's state (one small query every 5 ms) until it is ready or failed."""
    from media_assets.choices import ClipState
    from media_assets.models import Clip

    rows = Clip.objects.filter(pk=clip_id).values_list("state", flat=True)
    while rows.all().get() not in (ClipState.READY, ClipState.FAILED):
        time.sleep(interval)
    clip = Clip.objects.get(pk=clip_id)
    if clip.state != ClipState.READY:
        raise SystemExit("part failed: %s %s" % (clip.error, clip.error_detail))
    return clip


def through_worker(video, spans, cut) -> tuple[float, object]:
    """Seconds from the request to the file ready, and the clip."""
    from media_assets import clips

    started = time.perf_counter()
    asked_at = time.time()
    clip = clips.request_part(video=video, spans=spans, cut=cut)
    clip = wait_ready(clip.pk)
    elapsed = time.perf_counter() - started
    # the job's start as the worker stamped it: what the request and the dispatch cost
    clip.dispatch = clip.started_at.timestamp() - asked_at
    return elapsed, clip


def job_seconds(clip) -> float:
    """The job's own time in the worker (started → finished), without the dispatch."""
    return (clip.finished_at - clip.started_at).total_seconds()


def bare_copy(master: Path, start: float, seconds: float, target: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y", "-ss", "%.6f" % start, "-i",
         str(master), "-t", "%.6f" % seconds, "-map", "0", "-c", "copy", str(target)],
        check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    target.unlink()
    return elapsed


def disk_write_speed(work: Path, size: int = 2 * 1024**3) -> None:
    """What this machine writes per second, as ffmpeg writes a part: 2 GB, no fsync.

    The floor under any part's time, whatever cuts it (the fsync after it is timed apart).
    """
    target = work / "disk-speed.bin"
    block = os.urandom(16 * 1024**2)
    started = time.perf_counter()
    with open(target, "wb") as out:
        for _ in range(size // len(block)):
            out.write(block)
        written = time.perf_counter() - started
        os.fsync(out.fileno())
    synced = time.perf_counter() - started
    target.unlink()
    print("this machine writes a 2 GB file at %.0f MB/s (%.1f s per GB; %.0f MB/s with the "
          "fsync)" % (size / written / 1e6, written / (size / 1e9), size / synced / 1e6),
          flush=True)  # fmt: skip


def full_reencode(index, spans) -> tuple[float, object]:
    """The engine's own full re-encode of the part (its fallback), gated as in production."""
    from media_assets.clipping import engine

    workdir = Path(tempfile.mkdtemp(prefix="bench-reencode-", dir=OUT))
    try:
        started = time.perf_counter()
        result = engine.make_part(
            index, spans, engine.EXACT, workdir, name="part",
            force_method=engine.METHOD_REENCODE,
        )  # fmt: skip
        return time.perf_counter() - started, result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def reencode_settings(index) -> str:
    from media_assets.clipping.encoders import reencode_video_args

    args, _container = reencode_video_args(index)
    return " ".join(args[: args.index("-r")] if "-r" in args else args)


def gate_line(gate: dict) -> str:
    psnr = ", ".join(
        "%s %s dB" % (entry["at"], entry["match"]) for entry in gate["psnr"]
    )
    seconds = gate.get("seconds") or {}
    steps = ", ".join("%s %.2f s" % item for item in seconds.items())
    return "gate %s: %d/%d frames, %s, decode errors %s, audio offset %s s, drift %s s%s" % (
        "passed" if gate["passed"] else "FAILED",
        gate["frames"], gate["expected_frames"], psnr,
        "none" if not gate["decode_errors"] else "yes",
        gate["audio_offset"], gate["audio_drift"],
        " [%s]" % steps if steps else "",
    )  # fmt: skip


def curl_seconds(url: str) -> float:
    completed = subprocess.run(
        ["curl", "-s", "-f", "-o", "/dev/null", "-w", "%{time_total}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(completed.stdout)


def nginx_against_direct(video, rate, work: Path, runs: int) -> None:
    """The second request of a cached 60 s part, through nginx as deployed and directly.

    nginx (deploy/nginx-server.conf) in front of gunicorn (deploy/gunicorn.conf.py,
    production settings, DEBUG off): the signed link goes to Django, which checks it, logs
    the download and answers X-Accel-Redirect; nginx sends the file. Against nginx's own
    static location serving the same file. Each run alternates the two, with a fresh link
    (a first request: its download row is created, as for the next person).
    """
    from django.conf import settings

    from accounts.factories import VerifiedJournalistFactory
    from media_assets import clips, downloads
    from media_assets.choices import ClipCut
    from media_assets.storage import private_storage
    from tests.nginx import production_env, run_gunicorn, run_nginx

    spans = [(1013, 1013 + int(60 * rate))]
    first = clips.request_part(video=video, spans=spans, cut=ClipCut.FAST)
    wait_ready(first.pk)
    person = VerifiedJournalistFactory()
    env = production_env(
        Path(os.environ["NEWSROOM_VAR_DIR"]),
        NEWSROOM_PROTECTED_MASTERS_PREFIX="/protected/",
        NEWSROOM_DOWNLOADS_PER_HOUR="100000",
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="false",
    )
    through, direct, lookups = [], [], []
    with run_gunicorn(work / "gunicorn", env=env) as app:
        clip = clips.request_part(video=video, spans=spans, cut=ClipCut.FAST)
        path = Path(private_storage.path(clip.file.name))
        with run_nginx(
            work / "nginx", app, media_root=work / "media",
            private_root=Path(private_storage.location), static_root=path.parent,
        ) as base:  # fmt: skip
            # warm: the page cache, gunicorn's workers and their database connections
            for _warm in range(3):
                link = downloads.make_link(
                    user=person, kind="part", object_id=clip.pk, filename="part.mp4"
                )
                curl_seconds(base + link)
                curl_seconds(base + "/static/" + path.name)
            for _run in range(runs):
                started = time.perf_counter()
                clip = clips.request_part(video=video, spans=spans, cut=ClipCut.FAST)
                link = downloads.make_link(
                    user=person, kind="part", object_id=clip.pk, filename="part.mp4"
                )
                lookups.append(time.perf_counter() - started)
                through.append(curl_seconds(base + link))
                direct.append(curl_seconds(base + "/static/" + path.name))
            small = []  # Django's fixed cost per signed-link request: a 100-byte Range
            for _run in range(runs):
                link = downloads.make_link(
                    user=person, kind="part", object_id=clip.pk, filename="part.mp4"
                )
                small.append(curl_range_seconds(base + link))
    size = path.stat().st_size
    print("cached 60 s part (%.0f MB), second request: through nginx → gunicorn/Django → "
          "X-Accel-Redirect median %.3f s (%.2f GB/s), nginx direct %.3f s (%.2f GB/s); "
          "ratio %.2fx of direct (target >= 0.75x)" % (
        size / 1e6, median(through), size / median(through) / 1e9, median(direct),
        size / median(direct) / 1e9, median(direct) / median(through)), flush=True)  # fmt: skip
    print("  the look-up before it (request_part on the cached part + make_link) median "
          "%.1f ms; a signed-link request for 100 bytes (Django's fixed cost + nginx) "
          "median %.1f ms" % (median(lookups) * 1000, median(small) * 1000), flush=True)  # fmt: skip


def curl_range_seconds(url: str) -> float:
    completed = subprocess.run(
        ["curl", "-s", "-f", "-r", "0-99", "-o", "/dev/null", "-w", "%{time_total}", url],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return float(completed.stdout)


def median(values):
    return statistics.median(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--master", type=Path, required=True)
    parser.add_argument("--rate", default="25", choices=["25", "2997"])
    parser.add_argument(
        "--minutes", type=float, default=10, help="length of a generated master"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-long", action="store_true")
    parser.add_argument(
        "--lengths", default="10,60,598", help="frame-accurate part lengths in seconds"
    )
    parser.add_argument(
        "--steps",
        default="fast,exact,nginx,concurrent",
        help="which measurements to run (comma-separated)",
    )
    args = parser.parse_args()
    # stopped (timeout, kill): still stop the worker and remove the run's files
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit("stopped"))
    args.master = args.master.resolve()
    if not args.master.exists():
        print("Generating %s (once; minutes)…" % args.master, flush=True)
        started = time.perf_counter()
        generate_master(
            args.master, "30000/1001" if args.rate == "2997" else "25", args.minutes
        )
        print("  generated in %.0f s" % (time.perf_counter() - started), flush=True)
    setup_django()
    from fractions import Fraction

    from media_assets import clips
    from media_assets.choices import ClipCut

    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-clips-", dir=OUT))
    log = work / "ffmpeg.log"
    log.touch()
    make_shim(work / "bin", log)
    worker = start_worker(work / "bin")
    video = video_for(args.master)
    try:
        started = time.perf_counter()
        index = clips.cached_index(Path(video.file.path), video.checksum)
        rate = index.rate
        print("master: %s, %s fps (%s), %d frames, keyframes every %d; frame index listed "
              "in %.1f s (once per master)" % (
            args.master.name, float(rate), rate, index.frame_count, index.keyframes[1],
            time.perf_counter() - started), flush=True)  # fmt: skip
        if args.rate == "2997" and rate.denominator != 1001:
            raise SystemExit("--rate 2997 but the master runs at %s fps" % rate)
        warm, _clip = through_worker(video, [(7, 7 + int(rate))], ClipCut.FAST)
        print("worker warmed with a 1 s part (%.2f s, untimed)" % warm, flush=True)
        steps = set(args.steps.split(","))
        last_frame = index.frame_count
        # 1. fast 60 s
        fast, bare, jobs, dispatch = [], [], [], []
        for run in range(args.runs if "fast" in steps else 0):
            start = (1013 + 997 * run) % max(1, last_frame - int(61 * rate))
            end = start + int(60 * rate)
            elapsed, clip = through_worker(video, [(start, end)], ClipCut.FAST)
            fast.append(elapsed)
            jobs.append(job_seconds(clip))
            dispatch.append(clip.dispatch)
            real_start = Fraction(clip.real_spans[0][0]) / rate
            seconds = Fraction(clip.real_spans[0][1] - clip.real_spans[0][0]) / rate
            bare.append(bare_copy(args.master, real_start, seconds, work / "bare.mp4"))
        if fast:
            print("fast 60 s part: worker median %.2f s (request + dispatch %.3f s, the job "
                  "itself %.2f s), bare ffmpeg -c copy %.2f s, ratio %.2fx (target <= 1.5x)" % (
                median(fast), median(dispatch), median(jobs), median(bare),
                median(fast) / median(bare)), flush=True)  # fmt: skip

        # 2. frame-accurate 10 s, 60 s, 10 min
        lengths = [int(value) for value in args.lengths.split(",")]
        if "exact" not in steps:
            lengths = []
        elif lengths:
            print("full re-encode reference: the engine's own fallback (%s), gated" % (
                reencode_settings(index)), flush=True)  # fmt: skip
        smart_medians, copy_medians = {}, {}
        for seconds in lengths:
            frames = min(int(seconds * rate), last_frame - 13 - 7 * (args.runs - 1))
            smart, copies, retried = [], [], 0
            for run in range(args.runs if seconds <= 60 else 1):
                start = 13 + 7 * run
                elapsed, clip = through_worker(
                    video, [(start, start + frames)], ClipCut.EXACT
                )
                smart.append(elapsed)
                retried += bool(clip.fallback_reason)
                # the same frames stream-copied: what writing the part's bytes costs at least
                copies.append(
                    bare_copy(
                        args.master, start / rate, frames / rate, work / "bare.mp4"
                    )
                )
            smart_medians[seconds] = median(smart)
            copy_medians[seconds] = median(copies)
            print("frame-accurate %d s (%s): smart cut median %.2f s (job %.2f s), bare "
                  "ffmpeg -c copy of the same part %.2f s, the cut's own cost %.2f s; %s" % (
                seconds, clip.method, median(smart), job_seconds(clip), median(copies),
                median(smart) - median(copies), gate_line(clip.gate)), flush=True)  # fmt: skip
            print("  runs %s s; %d of %d made twice (%s)" % (
                ", ".join("%.2f" % value for value in smart), retried, len(smart),
                clip.fallback_reason or "the last one: no"), flush=True)  # fmt: skip
            if seconds > 60 and args.no_long:
                print(
                    "  full re-encode of the long part: skipped (--no-long)", flush=True
                )
                continue
            elapsed, result = full_reencode(index, [(13, 13 + frames)])
            print("  full re-encode %.2f s (%s); smart cut is %.1fx faster (target %s)" % (
                elapsed, gate_line(result.gate), elapsed / median(smart),
                {10: "-", 60: ">= 6x"}.get(seconds, ">= 30x")), flush=True)  # fmt: skip
        if smart_medians:
            spread = max(smart_medians.values()) / min(smart_medians.values())
            print("smart cut time from %d s to %d s: %s; max/min %.2f (target: within "
                  "±25%%)" % (min(smart_medians), max(smart_medians),
                  ", ".join("%.2f s" % v for v in smart_medians.values()), spread),
                  flush=True)  # fmt: skip
            own = {key: smart_medians[key] - copy_medians[key] for key in smart_medians}
            print("the smart cut's own cost (its time minus a bare stream copy of the same "
                  "part, which writes the same bytes): %s; max/min %.2f" % (
                ", ".join("%.2f s" % v for v in own.values()),
                max(own.values()) / max(0.001, min(own.values()))), flush=True)  # fmt: skip
            disk_write_speed(work)

        # 3. a cached part through nginx, against nginx serving the file directly
        if "nginx" in steps:
            nginx_against_direct(video, rate, work, max(5, args.runs))

        # 4. ten identical concurrent requests
        if "concurrent" in steps:
            concurrent(video, rate, log)
    finally:
        worker.terminate()
        worker.wait(timeout=60)
        clean_up(video)
        shutil.rmtree(work, ignore_errors=True)


def concurrent(video, rate, log: Path) -> None:
    from django.db import connection

    from media_assets import clips
    from media_assets.choices import ClipCut

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
    clip = wait_ready(ids[0], interval=0.05)
    mux_runs = (
        sum("pieces.txt" in line for line in log.read_text().splitlines()) - before
    )
    print("10 identical concurrent requests: %d clip(s), %d ffmpeg job(s), state %s, "
          "%.2f s" % (len(set(ids)), mux_runs, clip.state, time.perf_counter() - started))  # fmt: skip


if __name__ == "__main__":
    main()
