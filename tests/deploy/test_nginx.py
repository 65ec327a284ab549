"""deploy/nginx-server.conf, run by Debian's nginx in front of the test's server."""

import http.client
import re
from urllib.parse import urlsplit

import pytest


# The flush after a transactional test empties the database: restore what migrations made
# (the root page and collection) for the tests that follow.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def get(base_url, path, headers=None):
    address = urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response, response.read()
    finally:
        connection.close()


def test_nginx_serves_static_and_media_files_and_proxies_pages(
    nginx, live_server, tmp_path, settings
):
    static_root = tmp_path / "static"
    (static_root / "css").mkdir(parents=True)
    (static_root / "css" / "site.css").write_text("body { color: black; }\n")
    (settings.MEDIA_ROOT / "documents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "documents" / "note.txt").write_text("press note\n")

    base_url = nginx(live_server.url, static_root=static_root)

    response, body = get(base_url, "/static/css/site.css")
    assert (response.status, body) == (200, b"body { color: black; }\n")
    assert response.getheader("Content-Type") == "text/css"
    assert response.getheader("Cache-Control") == "max-age=2592000"
    assert response.getheader("Server").startswith("nginx")

    # /media/ goes through the gate (media_assets.gate, deny by default): tested through
    # nginx in tests/downloads/test_nginx_media.py (live_server would serve MEDIA_ROOT itself).

    # Private files are never reachable from outside (internal locations).
    (settings.PRIVATE_MEDIA_ROOT / "masters").mkdir(parents=True)
    (settings.PRIVATE_MEDIA_ROOT / "masters" / "a.mp4").write_bytes(b"master")
    response, _body = get(base_url, "/protected/masters/a.mp4")
    assert response.status == 404

    # Pages come from the upstream, through the proxy.
    response, body = get(base_url, "/en/accounts/login/")
    assert response.status == 200
    assert b'name="password"' in body
    assert response.getheader("Content-Language") == "en"


def test_gunicorn_as_deployed_behind_nginx(nginx, gunicorn, collected_static):
    base_url = nginx(gunicorn(), static_root=collected_static)

    response, body = get(base_url, "/fr/accounts/login/")
    assert response.status == 200
    assert response.getheader("Content-Language") == "fr"
    assert b'name="password"' in body
    # Production's manifest storage: hashed names, served by nginx.
    stylesheet = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', body)
    assert stylesheet is not None
    response, css = get(base_url, stylesheet.group(1).decode())
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/css"
    assert len(css) > 0
