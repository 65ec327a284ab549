"""Benchmark of video processing and master uploads.

1. Processing: for a 10-minute 1080p25 H.264 master (generated once into bench/out/), time
   the whole processing task (process_video_task, run inline) and, in the same run, the bare
   ffprobe/ffmpeg commands it wraps (the same argument lists, run by subprocess with nothing
   around them). Prints the medians and the ratio (target: at most 1.1x).
2. Upload: serve the site with gunicorn (one sync worker), upload the master (over 2 GB)
   to the video library's add view over loopback, and sample the worker's resident memory
   every 20 ms. Prints the peak above the idle worker (target: under 100 MB).

Run it by hand (make bench), with DATABASE_URL pointing at PostgreSQL (SQLite works too) and
CELERY_BROKER_URL at Redis (the upload's processing job is queued on a throw-away queue and
purged; without a broker it would run inline inside the upload request):

    .venv/bin/python bench/processing.py [--runs 3] [--minutes 10] [--skip-upload]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
import signal
import socket
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
# Everything the benchmark writes (masters, previews, posters) goes under bench/out/var.
os.environ.setdefault("NEWSROOM_VAR_DIR", str(OUT / "var"))
THROWAWAY_QUEUE = "bench-discarded-%s" % secrets.token_hex(4)
os.environ["NEWSROOM_MEDIA_QUEUE"] = THROWAWAY_QUEUE


def generate_master(minutes: float) -> Path:
    """A 1080p25 H.264 + AAC master at about 30 Mb/s (2.3 GB for 10 minutes), cached."""
    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / ("master-1080p25-%gmin.mp4" % minutes)
    if target.exists():
        return target
    partial = target.with_suffix(".partial.mp4")
    print("Generating %s (once; a few minutes)…" % target.name, flush=True)
    subprocess.run(
        [
            "ffmpeg", "-nostdin", "-v", "error", "-y",
            "-f", "lavfi", "-i", "testsrc2=size=1920x1080:rate=25",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
            "-t", str(int(minutes * 60)),
            "-c:v", "libx264", "-preset", "ultrafast", "-b:v", "30M", "-maxrate", "30M",
            "-bufsize", "60M", "-g", "50", "-pix_fmt", "yuv420p",
            "-c:a", "aac", "-b:a", "192k", "-movflags", "+faststart", str(partial),
        ],
        check=True,
    )  # fmt: skip
    partial.rename(target)
    return target


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def cpu_seconds() -> float:
    """CPU time of this process and of its finished children (ffmpeg, ffprobe)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(function) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds) of a call."""
    started, cpu_started = time.perf_counter(), cpu_seconds()
    function()
    return time.perf_counter() - started, cpu_seconds() - cpu_started


def bare_commands(master: Path) -> tuple[float, float]:
    """The task's ffprobe and ffmpeg commands, argument for argument, and nothing else."""
    from media_assets import ffmpeg

    info = ffmpeg.probe(master)  # to build the same arguments; not timed
    workdir = Path(tempfile.mkdtemp(prefix="bench-bare-"))
    commands = [
        ffmpeg.probe_command(master),
        ffmpeg.poster_command(
            master, workdir / "poster.jpg", info, at_seconds=ffmpeg.poster_time(info)
        ),
        ffmpeg.preview_command(master, workdir / "preview.mp4", info),
    ]
    try:

        def run_all():
            for command in commands:
                subprocess.run(command, capture_output=True, check=True)

        return timed(run_all)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def whole_task(master: Path) -> tuple[float, float]:
    from media_assets.models import ProcessingState, Video
    from media_assets.storage import private_storage
    from media_assets.tasks import process_video_task

    name = "masters/bench/%s" % master.name
    target = Path(private_storage.path(name))
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.link(master, target)  # no 2 GB copy: the same bytes, same page cache
    video = Video(title="Benchmark master", file=name)
    video.save()
    try:
        elapsed = timed(
            lambda: process_video_task.apply(args=[video.pk], kwargs={"force": True})
        )
        video.refresh_from_db()
        assert video.processing_state == ProcessingState.READY, (
            video.processing_error_detail
        )
        return elapsed
    finally:
        if video.poster_id:
            video.poster.delete()
        if video.preview:
            video.preview.delete(save=False)
        video.delete()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_bytes(pid: int) -> int:
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def worker_pid(master_pid: int) -> int:
    for _attempt in range(100):
        children = Path("/proc/%d/task/%d/children" % (master_pid, master_pid))
        if children.exists() and children.read_text().split():
            return int(children.read_text().split()[0])
        time.sleep(0.1)
    raise RuntimeError("gunicorn started no worker")


def upload_memory(master: Path) -> tuple[float, float, float]:
    """Upload the master through gunicorn; returns (idle MB, peak MB, seconds)."""
    from django.test import Client

    from accounts.models import User
    from tests.media_assets.admin_forms import video_form
    from tests.media_assets.streaming import MultipartFromDisk

    user, _created = User.objects.get_or_create(
        email="bench@example.org", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret

    port = free_port()
    env = {**os.environ, "DEBUG": "false"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "cms.wsgi", "--bind", "127.0.0.1:%d" % port,
         "--workers", "1", "--timeout", "900", "--log-level", "warning"],
        cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE": os.environ["DJANGO_SETTINGS_MODULE"]},
    )  # fmt: skip
    try:
        worker = worker_pid(server.pid)
        headers = {
            "Cookie": "sessionid=%s; csrftoken=%s" % (session, csrf),
        }
        for _warm in range(3):  # load the admin's code and templates
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for _attempt in range(50):
                try:
                    connection.request(
                        "GET",
                        "/admin/snippets/media_assets/video/add/?locale=en",
                        headers=headers,
                    )
                    break
                except ConnectionRefusedError:
                    time.sleep(0.2)
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
        idle = rss_bytes(worker)

        body = MultipartFromDisk(
            video_form(title="Benchmark upload", csrfmiddlewaretoken=csrf),
            "file",
            master,
        )
        peak = [idle]
        done = threading.Event()

        def sample():
            while not done.is_set():
                peak[0] = max(peak[0], rss_bytes(worker))
                time.sleep(0.02)

        sampler = threading.Thread(target=sample)
        sampler.start()
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
        connection.putrequest(
            "POST", "/admin/snippets/media_assets/video/add/?locale=en"
        )
        for name, value in {
            **headers,
            "Content-Type": body.content_type,
            "Content-Length": str(body.length),
            "Referer": "http://127.0.0.1:%d/admin/" % port,
        }.items():
            connection.putheader(name, value)
        connection.endheaders()
        while chunk := body.read(1024 * 1024):
            connection.send(chunk)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        done.set()
        sampler.join()
        body.close()
        assert response.status == 302, (response.status, response.getheader("Location"))
        return idle / 1e6, peak[0] / 1e6, elapsed
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        cleanup_uploaded()


def cleanup_uploaded():
    from media_assets.models import Video

    for video in Video.objects.filter(title="Benchmark upload"):
        video.file.delete(save=False)
        video.delete()
    from cms.celery import app

    if app.conf.broker_url:
        with app.connection_for_write() as connection:
            connection.default_channel.queue_purge(THROWAWAY_QUEUE)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--skip-upload", action="store_true")
    parser.add_argument("--skip-processing", action="store_true")
    arguments = parser.parse_args()

    master = generate_master(arguments.minutes)
    setup_django()
    size = master.stat().st_size
    print("Master: %s, %.2f GB" % (master.name, size / 1e9))

    if not arguments.skip_processing:
        bare, task = [], []
        subprocess.run(
            ["cat", str(master)], stdout=subprocess.DEVNULL, check=True
        )  # warm
        for run in range(arguments.runs):
            # alternate the order so neither side always gets the warmer cache
            if run % 2:
                task.append(whole_task(master))
                bare.append(bare_commands(master))
            else:
                bare.append(bare_commands(master))
                task.append(whole_task(master))
            print(
                "run %d: bare %.1f s wall / %.1f s CPU, task %.1f s wall / %.1f s CPU"
                % (run + 1, *bare[-1], *task[-1]),
                flush=True,
            )
        # This machine is shared: wall-clock times swing with other people's load, so the
        # target is checked on CPU time (what the work costs), with wall-clock shown beside.
        wall_ratio = statistics.median(
            t[0] / b[0] for b, t in zip(bare, task, strict=True)
        )
        cpu_ratio = statistics.median(
            t[1] / b[1] for b, t in zip(bare, task, strict=True)
        )
        print(
            "Processing, median of %d runs: bare commands %.1f s wall / %.1f s CPU; "
            "whole task %.1f s wall / %.1f s CPU"
            % (
                arguments.runs,
                statistics.median(b[0] for b in bare),
                statistics.median(b[1] for b in bare),
                statistics.median(t[0] for t in task),
                statistics.median(t[1] for t in task),
            )
        )
        print(
            "Task / bare commands, median of the per-run ratios: CPU %.3fx (target <= 1.1x: "
            "%s), wall-clock %.3fx"
            % (cpu_ratio, "OK" if cpu_ratio <= 1.1 else "OVER", wall_ratio)
        )

    if not arguments.skip_upload:
        idle, peak, seconds = upload_memory(master)
        print(
            "Upload of %.2f GB through gunicorn in %.1f s (%.0f MB/s): worker idle %.0f MB, "
            "peak %.0f MB, %.1f MB above idle (target < 100 MB): %s"
            % (size / 1e9, seconds, size / 1e6 / seconds, idle, peak, peak - idle,
               "OK" if peak - idle < 100 else "OVER")
        )  # fmt: skip


if __name__ == "__main__":
    main()
