"""Downloads: a 2 GB master through nginx + Django (X-Accel-Redirect) against nginx alone.

Run with `DATABASE_URL=... .venv/bin/python bench/downloads.py` (a throwaway test database is
created and dropped; the master is written under a temporary directory and removed). curl
does the downloading, so the client costs no Python time. In the same run:

- full download and a 100 MB Range: nginx + Django (deploy/nginx-server.conf, X-Accel) vs
  nginx serving the same file directly with the same settings (target >= 0.95x for the full
  download);
- Django's own time per download request (signed link checked, row updated, X-Accel headers),
  p50 and p95 (target p50 < 10 ms);
- the development backend (Django streaming with Range) against nginx direct, and this
  process's memory growth while it serves 2 GB (target < 20 MB).
"""

from __future__ import annotations

import getpass
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django


django.setup()

from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)


SIZE = 2 * 1024**3
RANGE = (500_000_000, 500_000_000 + 100 * 1024**2 - 1)
ROUNDS = 3
REQUEST_ROUNDS = 200


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def write_master(path: Path) -> None:
    block = os.urandom(16 * 1024**2)
    with path.open("wb") as handle:
        for _ in range(SIZE // len(block)):
            handle.write(block)


def curl(url: str, byte_range: str | None = None) -> tuple[float, int]:
    """(seconds, bytes) of one download to /dev/null."""
    command = ["curl", "-s", "-o", "/dev/null", "-w", "%{time_total} %{size_download}"]
    if byte_range:
        command += ["-r", byte_range]
    output = subprocess.run(
        [*command, url], check=True, capture_output=True, text=True
    ).stdout
    seconds, size = output.split()
    return float(seconds), int(size)


def throughput(url: str, byte_range: str | None = None) -> list[float]:
    """MB/s of ROUNDS downloads."""
    rates = []
    for _ in range(ROUNDS):
        seconds, size = curl(url, byte_range)
        rates.append(size / seconds / 1e6)
    return rates


def direct_nginx_conf(directory: Path, port: int, root: Path) -> Path:
    """Nginx alone, serving the private root as deploy's /protected/ location does."""
    from tests.nginx import nginx_binary  # noqa: F401 (fails clearly when nginx is missing)

    conf = directory / "direct.conf"
    directory.mkdir(parents=True, exist_ok=True)
    temp_paths = "\n".join(
        "    %s_temp_path %s;" % (kind, directory / kind)
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, nginx's workers would drop to `nobody` and could not read the master.
    user = "user %s;\n" % getpass.getuser() if os.geteuid() == 0 else ""
    conf.write_text(
        f"""{user}daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"};
events {{ worker_connections 256; }}
http {{
    access_log off;
    default_type application/octet-stream;
{temp_paths}
    server {{
        listen 127.0.0.1:{port};
        location /direct/ {{
            alias {root}/;
            sendfile on;
            tcp_nopush on;
            sendfile_max_chunk 2m;
        }}
    }}
}}
"""
    )
    return conf


def main() -> None:
    from accounts.factories import VerifiedJournalistFactory
    from home.services import ensure_site_tree
    from media_assets import downloads
    from media_assets.factories import VideoFactory
    from news.factories import NewsReleasePageFactory, ReleaseVideoFactory
    from news.publicity import refresh_public_videos
    from tests.downloads.appserver import app_server
    from tests.nginx import free_port, nginx_binary, run_nginx, stop, wait_for_port

    work = Path(tempfile.mkdtemp(prefix="bench-downloads-"))
    private_root, media_root = work / "private", work / "media"
    (private_root / "masters").mkdir(parents=True)
    media_root.mkdir()
    master = private_root / "masters" / "master.mxf"
    print("writing a %.1f GB master…" % (SIZE / 1e9), flush=True)
    write_master(master)

    with override_settings(
        PRIVATE_MEDIA_ROOT=private_root,
        MEDIA_ROOT=media_root,
        NEWSROOM_DOWNLOADS_PER_HOUR=10**6,
        ALLOWED_HOSTS=["*"],
    ):
        tree = ensure_site_tree(hostname="testserver")
        video = VideoFactory(title="Bench master", file_size=SIZE, container="mxf")
        video.file.name = "masters/master.mxf"
        video.save()
        page = NewsReleasePageFactory(parent=tree.news, live=False)
        ReleaseVideoFactory(page=page, video=video)
        page.save_revision().publish()
        refresh_public_videos()
        person = VerifiedJournalistFactory()
        link = downloads.make_link(
            user=person, kind="master", object_id=video.pk, filename="master.mxf"
        )
        byte_range = "%d-%d" % RANGE

        # Django's time per download request (headers only with X-Accel)
        with override_settings(NEWSROOM_ACCEL_LOCATIONS={"private": "/protected/"}):
            client = Client()
            timings = []
            for _ in range(REQUEST_ROUNDS):
                started = time.perf_counter()
                response = client.get(link)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.status_code
                assert response["X-Accel-Redirect"] == "/protected/masters/master.mxf"
            timings.sort()
            # the reference in the same run: the cheapest Django request (the gate's 404)
            reference = []
            for _ in range(REQUEST_ROUNDS):
                started = time.perf_counter()
                client.get("/media/previews/none.mp4")
                reference.append((time.perf_counter() - started) * 1000)
            reference.sort()

        direct_port = free_port()
        conf = direct_nginx_conf(work / "direct", direct_port, private_root)
        direct = subprocess.Popen(
            [nginx_binary(), "-p", str(work / "direct"), "-c", str(conf)]
        )
        try:
            wait_for_port(direct_port, direct, lambda: "")
            direct_url = "http://127.0.0.1:%d/direct/masters/master.mxf" % direct_port
            with app_server() as app:
                with (
                    override_settings(
                        NEWSROOM_ACCEL_LOCATIONS={"private": "/protected/"}
                    ),
                    run_nginx(
                        work / "nginx",
                        app,
                        media_root=media_root,
                        private_root=private_root,
                    ) as proxied,
                ):
                    curl(direct_url)  # warm the page cache
                    results = {}
                    for label, url, rng in [
                        ("full, nginx direct", direct_url, None),
                        ("full, nginx + Django", proxied + link, None),
                        ("100 MB Range, nginx direct", direct_url, byte_range),
                        (
                            "100 MB Range, nginx + Django",
                            proxied + link,
                            byte_range,
                        ),
                    ]:
                        results[label] = throughput(url, rng)
                # the development backend: Django streams the file itself
                with override_settings(NEWSROOM_ACCEL_LOCATIONS={}):
                    peak = [rss_bytes()]
                    before = peak[0]
                    done = threading.Event()

                    def watch():
                        while not done.is_set():
                            peak[0] = max(peak[0], rss_bytes())
                            time.sleep(0.05)

                    watcher = threading.Thread(target=watch)
                    watcher.start()
                    results["full, development backend"] = throughput(app + link)
                    done.set()
                    watcher.join()
                    growth = (peak[0] - before) / 1e6
        finally:
            stop(direct)

    def median(label):
        return statistics.median(results[label])

    print("\nthroughput, MB/s (median of %d)" % ROUNDS)
    for label in results:
        print("  %-32s %8.0f" % (label, median(label)))
    print(
        "  ratio full, nginx + Django / nginx direct:         %.3f (target >= 0.95)"
        % (median("full, nginx + Django") / median("full, nginx direct"))
    )
    print(
        "  ratio 100 MB Range, nginx + Django / nginx direct: %.3f"
        % (
            median("100 MB Range, nginx + Django")
            / median("100 MB Range, nginx direct")
        )
    )
    print(
        "  ratio development backend / nginx direct:          %.3f"
        % (median("full, development backend") / median("full, nginx direct"))
    )
    print(
        "\nDjango per download request (X-Accel), ms: p50 %.2f, p95 %.2f (target p50 < 10)"
        % (timings[len(timings) // 2], timings[int(len(timings) * 0.95)])
    )
    print(
        "reference, a 404 from the media gate (1 query), ms: p50 %.2f, p95 %.2f"
        % (reference[len(reference) // 2], reference[int(len(reference) * 0.95)])
    )
    print(
        "load average during the run: %s"
        % Path("/proc/loadavg").read_text().split()[:3]
    )
    print(
        "development backend: memory growth while serving %d x 2 GB: %.1f MB (target < 20)"
        % (ROUNDS, growth)
    )
    master.unlink()


if __name__ == "__main__":
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        main()
    finally:
        teardown_databases(databases, verbosity=0)
