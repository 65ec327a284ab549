"""No query parameter of a public page can cause a 5xx: a 400 page in the person's language."""

from __future__ import annotations

import pytest


pytestmark = pytest.mark.django_db

PAGES = [
    "/en/",
    "/en/news/",
    "/en/search/",
    "/en/feeds/releases.rss",
    "/fr/feeds/releases.atom",
    "/en/accounts/login/",
    "/en/accounts/signup/",
    "/sitemap.xml",
]

BAD = {
    "NUL": "q=%00",
    "NUL in a name": "q%00=press",
    "NUL after text": "q=press%00release",
    "escape character": "q=%1b%5b31m",
    "DEL": "q=%7f",
    "percent-encoded bytes that are not UTF-8": "q=%ff%fe",
    "a truncated UTF-8 sequence": "q=caf%c3",
    "raw bytes that are not UTF-8": "q=caf\xe9",
    "a huge value": "q=" + "a" * 2001,
    "a huge page number": "page=" + "9" * 2001,
}


def get(client, path, query_string, **headers):
    # QUERY_STRING as the WSGI server gives it (bytes as latin-1 characters)
    return client.get(path, QUERY_STRING=query_string, headers=headers)


def test_each_kind_of_bad_query_string_gets_a_400_page(client, site_tree):
    statuses = {}
    for kind, query_string in BAD.items():
        response = get(client, "/en/search/", query_string)
        statuses[kind] = response.status_code
        if response.status_code == 400:
            assert response.templates[0].name == "400.html"
            assert "Address not understood" in response.content.decode()

    assert statuses == dict.fromkeys(BAD, 400)


def test_every_public_page_answers_400_to_a_bad_and_200_to_a_good_query(
    client, site_tree
):
    good = "q=press%20release%09caf%C3%A9%0A&page=1&next=%2Fen%2F"
    statuses = {
        path: (
            get(client, path, BAD["NUL"]).status_code,
            get(client, path, BAD["raw bytes that are not UTF-8"]).status_code,
            get(client, path, good).status_code,
        )
        for path in PAGES
    }

    assert statuses == dict.fromkeys(PAGES, (400, 400, 200))


def test_a_long_but_reasonable_value_is_served(client, site_tree):
    response = get(client, "/en/news/", "q=" + "a" * 2000)

    assert response.status_code == 200


def test_the_400_page_is_in_the_persons_language(client, site_tree):
    response = get(client, "/fr/search/", "q=%00")

    assert response.status_code == 400
    content = response.content.decode()
    assert '<html lang="fr">' in content
    assert "<h1>Adresse incompréhensible</h1>" in content
    assert "Cette adresse contient des caractères" in content


def test_the_400_page_follows_accept_language_outside_language_paths(client, site_tree):
    response = get(client, "/sitemap.xml", "p=%00", **{"Accept-Language": "fr"})

    assert response.status_code == 400
    assert "<h1>Adresse incompréhensible</h1>" in response.content.decode()


def test_too_many_parameters_is_a_400_page_too(client, site_tree, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10

    response = get(client, "/en/news/", "&".join("a%d=1" % n for n in range(11)))

    assert response.status_code == 400
    assert "Address not understood" in response.content.decode()


def test_the_json_api_keeps_its_own_problem_documents(client, site_tree):
    # search.api names the parameter and says why: the middleware leaves /api/ to it.
    response = get(client, "/api/v1/search/", "q=a%00b", **{"Accept-Language": "fr"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["parameter"] == "q"
    assert response.json()["detail"].startswith("Votre recherche contient")
