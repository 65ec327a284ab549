"""nginx and gunicorn as deployed, started by tests on loopback ports.

nginx runs Debian's binary in the foreground with `deploy/nginx-server.conf` included as is:
only what production's site file (`deploy/nginx.conf`) sets around it is the test's own
(listen address, upstream address, roots, temporary and log paths; no TLS on loopback).

    def test_something(nginx, live_server, tmp_path):
        base_url = nginx(live_server.url, media_root=..., private_root=...)

gunicorn runs `deploy/gunicorn.conf.py` against the test database:

    with run_gunicorn(tmp_path / "gunicorn") as address:  # "127.0.0.1:PORT"
        ...
"""

from __future__ import annotations

import getpass
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote, urlsplit

from django.conf import settings
from django.db import connection

import pytest

from tests.shared import made_once


DEPLOY = Path(settings.BASE_DIR) / "deploy"
SITE_CONF = DEPLOY / "nginx.conf"
SERVER_CONF = DEPLOY / "nginx-server.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
GUNICORN_UPLOAD_CONF = DEPLOY / "gunicorn-upload.conf.py"


def nginx_binary() -> str:
    binary = shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx",) if os.path.exists(path)), None
    )
    if binary is None:
        pytest.fail(
            "nginx is missing: `make system-deps` (Debian: apt-get install nginx)"
        )
    return binary


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, describe: Callable[[], str]):
    """Until something accepts connections on 127.0.0.1:port (or the process died)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("exited with %s:\n%s" % (process.returncode, describe()))
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("not listening after 30 s:\n%s" % describe())


def stop(process: subprocess.Popen, sig=signal.SIGTERM):
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def upstream_names() -> list[str]:
    """The upstreams production's site file defines; the test points each at its server."""
    return re.findall(r"^\s*upstream\s+(\w+)\s*\{", SITE_CONF.read_text(), re.M)


def root_variables() -> list[str]:
    """The roots production's site file sets for nginx-server.conf ($newsroom_*_root)."""
    return re.findall(r"^\s*set\s+\$(newsroom_\w+_root)\s", SITE_CONF.read_text(), re.M)


def render_nginx_conf(
    directory: Path,
    *,
    port: int,
    upstream: str | dict[str, str],
    roots: dict[str, Path],
) -> str:
    """A whole nginx.conf around deploy/nginx-server.conf, with every path under directory."""
    missing = set(root_variables()) - set(roots)
    if missing:
        raise ValueError("roots missing for %s" % ", ".join(sorted(missing)))
    temp_paths = "\n".join(
        "    %s_temp_path %s;" % (kind, directory / kind)
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    addresses = (
        upstream
        if isinstance(upstream, dict)
        else dict.fromkeys(upstream_names(), upstream)
    )
    if set(addresses) != set(upstream_names()):
        raise ValueError("upstreams are %s" % ", ".join(upstream_names()))
    upstreams = "\n".join(
        "    upstream %s {\n        server %s;\n    }" % (name, address)
        for name, address in addresses.items()
    )
    sets = "\n".join(
        "        set $%s %s;" % (name, str(path).rstrip("/"))
        for name, path in sorted(roots.items())
    )
    # As root, nginx's workers would drop to `nobody` and could not read tmp_path.
    user = "user %s;\n" % getpass.getuser() if os.geteuid() == 0 else ""
    mime_types = (
        "    include /etc/nginx/mime.types;\n"
        if os.path.exists("/etc/nginx/mime.types")
        else ""
    )
    return f"""{user}daemon off;
worker_processes 1;
pid {directory / "nginx.pid"};
error_log {directory / "error.log"} info;
events {{
    worker_connections 256;
}}
http {{
{mime_types}    default_type application/octet-stream;
    access_log {directory / "access.log"};
    sendfile on;
{temp_paths}
{upstreams}
    server {{
        listen 127.0.0.1:{port};
        server_name localhost;
{sets}
        include {SERVER_CONF};
    }}
}}
"""


@contextmanager
def run_nginx(
    directory: Path,
    upstream: str | dict[str, str],
    *,
    media_root: Path,
    private_root: Path,
    static_root: Path | None = None,
) -> Iterator[str]:
    """Start nginx (deploy/'s server configuration) in front of upstream; yield its base URL.

    upstream is "host:port" or a URL for every upstream of deploy/nginx.conf, or a dict
    {upstream name: address} (newsroom_web, newsroom_upload); the base URL is
    "http://127.0.0.1:PORT".
    """

    def address(value: str) -> str:
        return urlsplit(value).netloc if "//" in value else value

    if isinstance(upstream, dict):
        upstream = {name: address(value) for name, value in upstream.items()}
    else:
        upstream = address(upstream)
    directory.mkdir(parents=True, exist_ok=True)
    static_root = static_root or directory / "static"
    for root in (static_root, media_root, private_root):
        Path(root).mkdir(parents=True, exist_ok=True)
    port = free_port()
    conf = directory / "nginx.conf"
    conf.write_text(
        render_nginx_conf(
            directory,
            port=port,
            upstream=upstream,
            roots={
                "newsroom_static_root": Path(static_root),
                "newsroom_media_root": Path(media_root),
                "newsroom_private_root": Path(private_root),
            },
        )
    )
    error_log = directory / "error.log"

    def describe():
        return error_log.read_text() if error_log.exists() else "(no error log)"

    process = subprocess.Popen(
        [nginx_binary(), "-p", str(directory), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process, describe)
        yield "http://127.0.0.1:%d" % port
    finally:
        stop(process, signal.SIGQUIT)  # graceful: workers finish, then exit


def database_url() -> str:
    """The URL of the database this test uses (pytest-django's test_… database)."""
    config = connection.settings_dict
    if not config["ENGINE"].endswith("postgresql"):
        pytest.skip("gunicorn shares the test database only on PostgreSQL")
    credentials = quote(config["USER"] or "")
    if config["PASSWORD"]:
        credentials += ":" + quote(config["PASSWORD"])
    return "postgres://%s@%s:%s/%s" % (
        credentials,
        config["HOST"] or "127.0.0.1",
        config["PORT"] or 5432,
        config["NAME"],
    )


def service_env() -> dict[str, str]:
    """The broker, shared cache and proxy count production settings insist on."""
    broker = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    return {
        "CELERY_BROKER_URL": broker,
        # The engineer's or CI's own Redis database: Django's cache keys (":1:…") never
        # meet Celery's; throttle tests use addresses of their own.
        "CACHE_URL": broker,
        # One nginx in front (deploy/nginx-server.conf overwrites X-Forwarded-For).
        "ALLAUTH_TRUSTED_PROXY_COUNT": "1",
    }


def production_env(var_dir: Path, **overrides: str) -> dict[str, str]:
    """Production settings' environment on plain-HTTP loopback, on the test database.

    Everything lives under var_dir (MEDIA_ROOT is var_dir/media, and so on).
    """
    return {
        **service_env(),
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        # The test's own: sessions made by the test's client are valid in gunicorn.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url(),
        "NEWSROOM_VAR_DIR": str(var_dir),
        # Loopback speaks plain HTTP: no redirect to HTTPS, cookies without Secure.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        **overrides,
    }


@contextmanager
def run_gunicorn(
    directory: Path,
    *,
    env: dict[str, str] | None = None,
    workers: int = 2,
    extra_args: tuple[str, ...] = (),
    config: Path = GUNICORN_CONF,
) -> Iterator[str]:
    """Start gunicorn with deploy/gunicorn.conf.py; yield its address, "127.0.0.1:PORT".

    Only the address and the number of workers differ from the configuration; env defaults
    to production_env(directory / "var").
    """
    directory.mkdir(parents=True, exist_ok=True)
    env = env if env is not None else production_env(directory / "var")
    port = free_port()
    log = directory / "gunicorn.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [
                sys.executable, "-m", "gunicorn", "cms.wsgi",
                "--config", str(config),
                "--bind", "127.0.0.1:%d" % port,
                "--workers", str(workers),
                *extra_args,
            ],
            cwd=settings.BASE_DIR,
            # Unbuffered: tests read the access log while gunicorn runs.
            env={"PATH": os.environ.get("PATH", ""), "PYTHONUNBUFFERED": "1", **env},
            stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        wait_for_port(port, process, log.read_text)
        yield "127.0.0.1:%d" % port
    finally:
        stop(process, signal.SIGQUIT)  # quick shutdown: the test is over


def post_throttled(
    base_url: str,
    path: str,
    body,
    *,
    rate: float,
    headers: dict[str, str] | None = None,
    chunk: int = 256 * 1024,
    timeout: float = 3600,
) -> tuple[int, dict[str, str], float, float]:
    """POST body at no more than `rate` bytes a second, as a slow link would.

    body is a file-like with .length and .content_type (e.g. MultipartFromDisk). Returns
    (status, headers, seconds until the whole answer arrived, seconds spent sending).
    """
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(
        address.hostname, address.port, timeout=timeout
    )
    started = time.perf_counter()
    try:
        connection.putrequest("POST", path)
        for name, value in {
            **(headers or {}),
            "Content-Type": body.content_type,
            "Content-Length": str(body.length),
        }.items():
            connection.putheader(name, value)
        connection.endheaders()
        sent = 0
        while data := body.read(chunk):
            connection.send(data)
            sent += len(data)
            ahead = sent / rate - (time.perf_counter() - started)
            if ahead > 0:
                time.sleep(ahead)
        sending = time.perf_counter() - started
        response = connection.getresponse()
        response.read()
        return (
            response.status,
            dict(response.getheaders()),
            time.perf_counter() - started,
            sending,
        )
    finally:
        connection.close()


@pytest.fixture(scope="session")
def collected_static() -> Path:
    """Run collectstatic once per run with production's manifest storage (pages need it)."""

    def collect(root: Path) -> None:
        subprocess.run(
            [
                sys.executable,
                "manage.py",
                "collectstatic",
                "--noinput",
                "--verbosity",
                "0",
            ],
            cwd=settings.BASE_DIR,
            env={
                "PATH": os.environ.get("PATH", ""),
                **service_env(),
                "DJANGO_SETTINGS_MODULE": "cms.settings.production",
                "SECRET_KEY": "test-only-insecure-key",
                "NEWSROOM_VAR_DIR": str(root.parent / "static-var"),
                "STATIC_ROOT": str(root),
            },
            check=True,
        )

    return made_once("collected-static", collect)


@pytest.fixture
def gunicorn(tmp_path, collected_static, transactional_db) -> Iterator[Callable]:
    """Start gunicorn (deploy/gunicorn.conf.py, production settings) on the test database.

    gunicorn(workers=2, extra_args=(), config=GUNICORN_CONF, **env overrides) returns
    "127.0.0.1:PORT" (config=GUNICORN_UPLOAD_CONF for the upload workers); MEDIA_ROOT and
    PRIVATE_MEDIA_ROOT are the test's, STATIC_ROOT is collected_static.
    """
    with ExitStack() as stack:
        count = 0

        def start(
            *,
            workers: int = 2,
            extra_args: tuple[str, ...] = (),
            config: Path = GUNICORN_CONF,
            **overrides: str,
        ) -> str:
            nonlocal count
            count += 1
            env = production_env(
                tmp_path, STATIC_ROOT=str(collected_static), **overrides
            )
            return stack.enter_context(
                run_gunicorn(
                    tmp_path / ("gunicorn-%d" % count),
                    env=env,
                    workers=workers,
                    extra_args=extra_args,
                    config=config,
                )
            )

        yield start


@pytest.fixture
def nginx(tmp_path) -> Iterator[Callable[..., str]]:
    """Start nginx (deploy/'s configuration) in front of an upstream; returns its base URL.

    nginx(upstream, media_root=..., private_root=..., static_root=None); the roots default
    to the test's MEDIA_ROOT and PRIVATE_MEDIA_ROOT. Stopped at the end of the test.
    """
    with ExitStack() as stack:
        count = 0

        def start(
            upstream: str | dict[str, str],
            *,
            media_root: Path | None = None,
            private_root: Path | None = None,
            static_root: Path | None = None,
        ) -> str:
            nonlocal count
            count += 1
            return stack.enter_context(
                run_nginx(
                    tmp_path / ("nginx-%d" % count),
                    upstream,
                    media_root=media_root or Path(settings.MEDIA_ROOT),
                    private_root=private_root or Path(settings.PRIVATE_MEDIA_ROOT),
                    static_root=static_root,
                )
            )

        yield start
