"""The Elasticsearch engine against recorded requests and responses of the documented DSL.

No Elasticsearch server can run on these machines: a loopback server replays the recorded
responses (as a real one would send them, with its product header) and records what the
engine sent. With ELASTICSEARCH_URL set, the behaviour tests of test_archive_search.py run
against that server instead (README, "Search").
"""

from __future__ import annotations

import datetime
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from search.archive import ArchiveQuery, _hit
from search.engines.elasticsearch import ElasticsearchEngine, index_body, search_body


RECORDED = Path(__file__).parent / "elasticsearch"
TOPIC = "6a0f0f4e-58a2-4bf1-9a52-4ffa986a3656"


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


QUERY = ArchiveQuery(
    text='"tangerine meeting" quillwort or fisheries -marmalade',
    language="en",
    date_from=datetime.date(2025, 1, 1),
    date_to=datetime.date(2025, 12, 31),
    topic=TOPIC,
    has_video=True,
    kind="release",
    sort="relevance",
    page=2,
    page_size=20,
)


class Replay(BaseHTTPRequestHandler):
    answers: dict = {}
    received: list = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        path = self.path.split("?")[0]
        self.received.append((self.command, path, json.loads(body) if body else None))
        status, payload = next(
            (
                answer
                for suffix, answer in self.answers.items()
                if path.endswith(suffix)
            ),
            (404, {"error": "not recorded"}),
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Elastic-Product", "Elasticsearch")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def do_HEAD(self):
        self._answer()

    def log_message(self, *args):
        pass


@pytest.fixture
def replay():
    Replay.answers = {}
    Replay.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), Replay)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Replay, "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()


def test_the_query_is_the_recorded_dsl():
    assert search_body(QUERY) == recorded("search_request.json")


def test_each_language_index_has_its_analyzer_and_ascii_folding():
    body = index_body("fr")

    assert body == recorded("index_fr_request.json")
    assert body["mappings"]["properties"]["lead"]["analyzer"] == "newsroom_fr"
    assert (
        "asciifolding"
        in body["settings"]["analysis"]["analyzer"]["newsroom_fr"]["filter"]
    )


def test_a_search_sends_the_dsl_and_reads_the_recorded_answer(replay, settings):
    # given
    server, url = replay
    settings.ELASTICSEARCH_INDEX = "newsroom-archive"
    server.answers = {
        "/_analyze": (200, {"tokens": [{"token": "tangerin", "position": 0}]}),
        "/_search": (200, recorded("search_response.json")),
    }
    engine = ElasticsearchEngine(client=Elasticsearch(url))

    # when
    result = engine.search(QUERY)

    # then: what was sent
    sent = [(method, path) for method, path, _body in server.received]
    assert sent == [
        ("POST", "/newsroom-archive-en/_analyze"),
        ("POST", "/newsroom-archive-en/_search"),
    ]
    assert server.received[1][2] == recorded("search_request.json")

    # then: what was read
    assert (result.total, result.total_capped) == (5000, True)
    assert result.facets["year"] == {"2025": 4000, "2024": 1001}
    assert result.facets["topic"] == {TOPIC: 5001}
    shot, release = (_hit(row) for row in result.rows)
    assert (shot.kind, shot.url, shot.timecode) == (
        "shot",
        "/en/videos/7/footage-bvermilionb/#t=12.4",
        12.4,
    )
    assert shot.title == "Footage &lt;b&gt;vermilion&lt;/b&gt;"
    assert shot.snippet == "Exterior <mark>lighthouse</mark>"
    assert release.title == "Harbour <mark>quillwort</mark>"
    assert (release.speaker, release.quote) == (
        "Ottoline Brackenbury",
        "<mark>gooseberry</mark> !",
    )


def test_stop_words_only_is_said_without_searching(replay, settings):
    server, url = replay
    server.answers = {"/_analyze": (200, {"tokens": []})}
    engine = ElasticsearchEngine(client=Elasticsearch(url))

    result = engine.search(ArchiveQuery(text="the of", language=None, sort="relevance"))

    assert result.stop_words_only is True
    assert [path for _method, path, _body in server.received] == [
        "/newsroom-archive-en/_analyze",
        "/newsroom-archive-fr/_analyze",
    ]
