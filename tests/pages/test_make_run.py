"""Under `make run`, an unknown address gets the site's own 404, not Django's debug page."""

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

from django.conf import settings

import pytest

from home.services import ensure_site_tree
from tests.celery_worker import database_url
from tests.conftest import FRENCH


pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def runserver_command(port: int) -> str:
    """The line `make run` serves with, as make itself prints it (dry run, nothing runs)."""
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=%d" % port],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout
    line = next(line for line in dry_run.splitlines() if "runserver" in line)
    return line.replace(".venv/bin/python", shlex.quote(sys.executable))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def make_run_server(tmp_path):
    ensure_site_tree(translations={"fr": FRENCH}, hostname="127.0.0.1")
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.dev",
        DATABASE_URL=database_url(),
        NEWSROOM_VAR_DIR=str(tmp_path),
        WAGTAILADMIN_BASE_URL="http://127.0.0.1:%d" % port,
    )
    process = subprocess.Popen(  # noqa: S602 (make's own recipe line)
        runserver_command(port) + " --noreload",
        shell=True,
        env=env,
        cwd=settings.BASE_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = "http://127.0.0.1:%d" % port
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield base
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


def test_an_unknown_url_under_make_run_is_the_sites_own_404(make_run_server):
    # when
    english = fetch(make_run_server + "/en/no-such-page/")
    french = fetch(make_run_server + "/fr/pas-de-page/")
    css = fetch(make_run_server + "/static/css/site.css")

    # then: the site's 404 in the person's language, never Django's debug page
    for (status, body), title, lang in (
        (english, "<h1>Page not found</h1>", "en"),
        (french, "<h1>Page introuvable</h1>", "fr"),
    ):
        assert status == 404
        assert title in body
        assert '<html lang="%s">' % lang in body
        assert "URLconf" not in body
    # and static files are still served
    assert css[0] == 200
