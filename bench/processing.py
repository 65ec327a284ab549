"""Benchmark of video processing and master uploads.

1. Processing: for a 10-minute 1080p25 H.264 master (generated once into bench/out/), time
   the whole processing task (process_video_task, run inline) and, in the same run, the bare
   ffprobe/ffmpeg commands it wraps (the same argument lists, run by subprocess with nothing
   around them). Prints the medians and the ratio (target: at most 1.1x).
2. Upload: serve the site with nginx and gunicorn (web and upload workers, one sync worker
   each) as deploy/ configures them (deploy/nginx-server.conf, deploy/gunicorn.conf.py,
   deploy/gunicorn-upload.conf.py, the production settings), upload a 2 GB master (uncompressed, made in seconds) to the video
   library's add view through nginx at a throttled 20 MB/s, and sample the worker's
   resident memory every 20 ms. Prints the time, the answer and the peak above the idle
   worker (target: under 100 MB), and whether the worker survived.

Run it by hand (make bench), with DATABASE_URL pointing at PostgreSQL (SQLite works too) and
CELERY_BROKER_URL at Redis (the upload's processing job is queued on a throw-away queue and
purged; without a broker it would run inline inside the upload request):

    .venv/bin/python bench/processing.py [--runs 3] [--minutes 10] [--skip-upload]
        [--skip-processing] [--upload-gb 2] [--rate 20]
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import shutil
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


def generate_upload_master(gigabytes: float) -> Path:
    """A master of at least `gigabytes` GB, made in seconds, cached.

    Uncompressed 1080p25 in MOV: the upload probes the file, nothing decodes it here.
    """
    OUT.mkdir(parents=True, exist_ok=True)
    frame = 1920 * 1080 * 2  # uyvy422, which MOV stores uncompressed
    frames = int(gigabytes * 1e9 / frame) + 1
    target = OUT / ("master-raw-1080p25-%dframes.mov" % frames)
    if target.exists():
        return target
    partial = target.with_suffix(".partial.mov")
    subprocess.run(
        ["ffmpeg", "-nostdin", "-v", "error", "-y",
         "-f", "lavfi", "-i", "color=c=gray:size=1920x1080:rate=25",
         "-frames:v", str(frames), "-c:v", "rawvideo", "-pix_fmt", "uyvy422",
         str(partial)],
        check=True,
    )  # fmt: skip
    partial.rename(target)
    return target


def gunicorn_worker(port: int) -> int:
    """The pid of the worker of the gunicorn master bound to 127.0.0.1:port."""
    wanted = ("127.0.0.1:%d" % port).encode()
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            arguments = cmdline.read_bytes().split(b"\0")
        except OSError:
            continue
        if wanted in arguments and any(b"gunicorn" in a for a in arguments):
            pid = int(cmdline.parent.name)
            if (
                Path("/proc/%d/status" % pid)
                .read_text()
                .count("PPid:\t%d\n" % os.getpid())
            ):
                return worker_pid(pid)
    raise RuntimeError("no gunicorn bound to %s" % wanted.decode())


def upload_through_nginx(master: Path, rate_mb: float) -> dict:
    """Upload the master at rate_mb MB/s through nginx and gunicorn as deployed.

    deploy/'s configuration: nginx, the web and the upload gunicorn (one worker each); only
    the addresses, the roots and the number of workers differ.
    """
    from django.conf import settings
    from django.test import Client

    from accounts.models import User
    from tests.media_assets.admin_forms import ADD_URL, video_form
    from tests.media_assets.streaming import MultipartFromDisk
    from tests.nginx import (
        GUNICORN_UPLOAD_CONF,
        post_throttled,
        production_env,
        run_gunicorn,
        run_nginx,
    )

    user, _created = User.objects.get_or_create(
        email="bench@example.org", defaults={"is_staff": True, "is_superuser": True}
    )
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    csrf = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
    headers = {"Cookie": "sessionid=%s; csrftoken=%s" % (session, csrf)}

    static_root = OUT / "static"
    env = production_env(
        Path(settings.VAR_DIR),
        STATIC_ROOT=str(static_root),
        NEWSROOM_MEDIA_QUEUE=THROWAWAY_QUEUE,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env={"PATH": os.environ.get("PATH", ""), **env},
        check=True,
    )
    try:
        with (
            run_gunicorn(OUT / "gunicorn", env=env, workers=1) as web,
            run_gunicorn(
                OUT / "gunicorn-upload",
                env=env,
                workers=1,
                config=GUNICORN_UPLOAD_CONF,
            ) as upstream,
            run_nginx(
                OUT / "nginx",
                {"newsroom_web": web, "newsroom_upload": upstream},
                media_root=Path(settings.MEDIA_ROOT),
                private_root=Path(settings.PRIVATE_MEDIA_ROOT),
                static_root=static_root,
            ) as base_url,
        ):
            port = int(base_url.rsplit(":", 1)[1])
            worker = gunicorn_worker(int(upstream.rsplit(":", 1)[1]))
            for _warm in range(3):  # load the admin's code and templates
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                connection.request("GET", ADD_URL, headers=headers)
                response = connection.getresponse()
                response.read()
                assert response.status == 200, response.status
            idle = rss_bytes(worker)
            peak = [idle]
            done = threading.Event()

            def sample():
                while not done.is_set():
                    peak[0] = max(peak[0], rss_bytes(worker))
                    time.sleep(0.02)

            sampler = threading.Thread(target=sample)
            sampler.start()
            body = MultipartFromDisk(
                video_form(title="Benchmark upload", csrfmiddlewaretoken=csrf),
                "file",
                master,
            )
            try:
                status, answer, seconds, sending = post_throttled(
                    base_url, ADD_URL, body, rate=rate_mb * 1e6, headers=headers
                )
            finally:
                done.set()
                sampler.join()
                body.close()
            worker_alive = Path("/proc/%d" % worker).exists()
        assert status == 302, (status, answer.get("Location"))
        return {
            "status": status,
            "seconds": seconds,
            "sending": sending,
            "idle_mb": idle / 1e6,
            "peak_mb": peak[0] / 1e6,
            "same_worker": worker_alive,
        }
    finally:
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
    parser.add_argument(
        "--upload-gb", type=float, default=2.0, help="size of the uploaded master"
    )
    parser.add_argument(
        "--rate", type=float, default=20.0, help="upload speed of the client, MB/s"
    )
    arguments = parser.parse_args()

    if not arguments.skip_processing:
        master = generate_master(arguments.minutes)
        setup_django()
        size = master.stat().st_size
        print("Master: %s, %.2f GB" % (master.name, size / 1e9))
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
        upload = generate_upload_master(arguments.upload_gb)
        setup_django()
        size = upload.stat().st_size
        result = upload_through_nginx(upload, arguments.rate)
        print(
            "Upload of %.2f GB through nginx + gunicorn as deployed (deploy/nginx-server.conf, "
            "deploy/gunicorn-upload.conf.py), throttled to %g MB/s: HTTP %d after "
            "%.1f s (%.1f s sending at %.1f MB/s, answer %.1f s after the last byte); "
            "worker idle %.0f MB, peak %.0f MB (%.1f MB above idle, target < 100 MB: %s); "
            "worker never killed: %s"
            % (size / 1e9, arguments.rate, result["status"], result["seconds"],
               result["sending"], size / 1e6 / result["sending"],
               result["seconds"] - result["sending"], result["idle_mb"],
               result["peak_mb"], result["peak_mb"] - result["idle_mb"],
               "OK" if result["peak_mb"] - result["idle_mb"] < 100 else "OVER",
               "yes" if result["same_worker"] else "NO")
        )  # fmt: skip


if __name__ == "__main__":
    main()
