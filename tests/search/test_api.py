"""The JSON API: the same search as the page, documented, problem documents, rate limit."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest


URL = "/api/v1/search/"


def test_the_api_gives_hits_facets_and_links(client, archive, settings):
    # given
    settings.NEWSROOM_SEARCH_PAGE_SIZE = 2

    # when
    response = client.get(URL, {"q": "lighthouse", "sort": "newest"})

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 3
    assert body["total_capped"] is False
    assert (body["page"], body["page_count"]) == (1, 2)
    assert body["previous"] is None
    assert (
        body["next"]
        == "http://testserver/api/v1/search/?page=2&q=lighthouse&sort=newest"
    )
    shot = next(hit for hit in body["hits"] if hit["kind"] == "shot")
    assert shot["url"] == "http://testserver%s#t=12.4" % (
        archive.english_video.get_public_url("en")
    )
    assert shot["timecode"] == 12.4
    assert shot["snippet"] == "Exterior <mark>lighthouse</mark>"
    assert shot["language"] == "en"
    assert shot["poster_url"].startswith("http://testserver/media/images/")
    assert body["facets"]["language"] == [
        {"value": "en", "label": "English", "count": 3}
    ]
    assert body["facets"]["topic"] == [
        {
            "value": str(archive.topic.translation_key),
            "label": "Aquaculture",
            "count": 3,
        }
    ]


def test_the_api_searches_every_language_by_default(client, archive):
    body = client.get(URL, {"q": "brackenbury", "kind": "release"}).json()

    assert sorted(hit["language"] for hit in body["hits"]) == ["en", "fr"]
    quote = client.get(URL, {"q": "framboise"}).json()["hits"][0]
    assert (quote["speaker"], quote["quote"]) == (
        "Ottoline Brackenbury",
        "<mark>framboise</mark> !",
    )


@pytest.mark.parametrize(
    ("params", "headers", "status", "detail"),
    [
        ({"kind": "podcast"}, {}, 400, "“podcast” is not a valid choice here"),
        (
            {"kind": "podcast", "lang": "fr"},
            {},
            400,
            "«\u00a0podcast\u00a0» n’est pas un choix valable",
        ),
        (
            {"q": "a\x00b"},
            {"HTTP_ACCEPT_LANGUAGE": "fr"},
            400,
            "Votre recherche contient",
        ),
        (
            {"from": "2025-12-01", "to": "2025-01-01"},
            {},
            400,
            "The start date is after",
        ),
        ({"page": "9"}, {}, 404, "There is no page 9 of these results"),
        ({"page": "nine"}, {}, 422, "A parameter has a value of the wrong type"),
        ({"page": "nine", "lang": "fr"}, {}, 422, "Un paramètre a une valeur"),
    ],
)
def test_errors_are_problem_documents_in_the_request_language(
    client, archive, params, headers, status, detail
):
    response = client.get(URL, params, **headers)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["detail"].startswith(detail)


def test_too_many_requests_get_a_clear_429(client, db, settings):
    # given
    settings.NEWSROOM_SEARCH_API_RATE = "3/m"

    # when
    statuses = [client.get(URL, {"q": "x%d" % n}).status_code for n in range(4)]
    other_client = client.get(URL, REMOTE_ADDR="10.0.0.9").status_code

    # then
    assert statuses == [200, 200, 200, 429]
    assert other_client == 200
    response = client.get(URL)
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) >= 1


def test_the_api_is_read_only_and_has_no_cors(client, db):
    assert client.post(URL, {"q": "x"}).status_code == 405
    assert "Access-Control-Allow-Origin" not in client.get(
        URL, HTTP_ORIGIN="https://elsewhere.example"
    )


def test_the_schema_documents_every_answer(client, db):
    # when
    schema = client.get("/api/v1/openapi.json").json()

    # then
    operation = schema["paths"]["/api/v1/search/"]["get"]
    assert sorted(operation["responses"]) == ["200", "400", "404", "422", "429"]
    assert list(operation["responses"]["400"]["content"]) == [
        "application/problem+json"
    ]
    assert client.get("/api/v1/docs/").status_code == 200


def test_the_api_query_count_does_not_grow_with_the_page_size(
    client, archive, settings
):
    counts = []
    for size in (1, 5):
        settings.NEWSROOM_SEARCH_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, {"q": "aquaculture"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == (1 if connection.vendor == "postgresql" else 8)
