"""The archive search's behaviour, through `archive_search` and the page, on the configured database.

On SQLite (no DATABASE_URL) the same tests run on the FTS5 engine; the PostgreSQL-only cases
(stemming) are marked `postgres`.
"""

from __future__ import annotations

import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from search.archive import (
    InvalidQuery,
    PageNotFound,
    archive_search,
    parse_query,
)
from search.models import ArchiveDocument
from tests.search.archive import FIELD_WORDS


def search(page_language="en", **params):
    return archive_search(parse_query(params, page_language=page_language))


def urls(results) -> list[str]:
    return [hit.url for hit in results.hits]


def kinds(results) -> list[tuple[str, str]]:
    return sorted((hit.kind, hit.language) for hit in results.hits)


@pytest.mark.parametrize(("field_case", "words"), list(FIELD_WORDS.items()))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_field_is_found_by_a_word_only_in_that_field(
    archive, field_case, words, language
):
    # given
    word = words[0] if language == "en" else words[1]
    page = archive.english if language == "en" else archive.french

    # when
    results = search(language, q=word, kind="release")

    # then
    assert urls(results) == [page.url]
    assert results.total == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_video_words_find_the_video_and_the_shot_at_its_timecode(archive, language):
    # given
    shot_word = FIELD_WORDS["shot"][0 if language == "en" else 1]
    timecode = "12.4" if language == "en" else "7.2"

    # when
    results = search(language, q=shot_word, kind="video")

    # then
    video = archive.english_video if language == "en" else archive.french_video
    video_url = video.get_public_url(language)
    assert sorted(urls(results)) == [video_url, video_url + "#t=" + timecode]
    shot = next(hit for hit in results.hits if hit.kind == "shot")
    assert shot.timecode == float(timecode)
    assert shot.timecode_label == ("00:00:12" if language == "en" else "00:00:07")
    assert "<mark>" in shot.snippet


def test_accents_are_folded_in_both_directions(archive):
    assert urls(search("fr", q="securite", kind="release")) == [archive.french.url]
    assert urls(search("fr", q="geneve", kind="release")) == [archive.french.url]
    assert urls(search("fr", q="ACCORDEON", kind="video")) == [
        archive.french_video.get_public_url("fr")
    ]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("language", "query"),
    [
        ("en", "meetings"),
        ("en", "visitor"),
        ("fr", "renseignement"),
        ("fr", "dirigeable"),
    ],
)
def test_stemming_finds_other_forms_of_a_word(archive, language, query):
    page = archive.english if language == "en" else archive.french

    assert urls(search(language, q=query, kind="release")) == [page.url]


def test_phrase_or_and_exclusion(archive):
    assert urls(search(q='"tangerine meeting"', kind="release")) == [
        archive.english.url
    ]
    assert urls(search(q='"meeting tangerine"', kind="release")) == []
    assert urls(search(q="quillwort or fisheries", sort="newest")) == [
        archive.english.url,
        archive.older.url,
    ]
    assert urls(search(q="quillwort -marmalade")) == []
    assert urls(search(q="quillwort -zeppelin")) == [archive.english.url]


@pytest.mark.parametrize(
    ("language", "query"), [("en", "the of"), ("fr", "le la de des")]
)
def test_stop_words_alone_say_so(archive, language, query):
    results = search(language, q=query)

    assert results.stop_words_only is True
    assert results.total == 0


def test_filter_values_work_across_languages(archive):
    # when
    results = search(
        q="", language="all", topic=str(archive.topic.translation_key), kind="release"
    )

    # then
    assert sorted(urls(results)) == sorted([archive.english.url, archive.french.url])
    speaker = search(q="", language="all", speaker=str(archive.speaker.translation_key))
    assert kinds(speaker) == [
        ("release", "en"),
        ("release", "fr"),
        ("shot", "en"),
        ("shot", "fr"),
        ("video", "en"),
        ("video", "fr"),
    ]


def test_facets_count_the_matches_and_add_up(archive):
    # when
    results = search(q="", language="all")

    # then
    facets = {
        name: {value.label: value.count for value in values}
        for name, values in results.facets.items()
    }
    assert results.total == 7
    assert facets["language"] == {"English": 4, "French": 3}
    assert facets["kind"] == {"Releases": 3, "Videos": 4}
    assert facets["year"] == {"2025": 6, "2023": 1}
    assert facets["topic"] == {"Aquaculture": 6}
    assert facets["speaker"] == {"Ottoline Brackenbury": 6}
    french = search("fr", q="", language="all")
    assert {value.label for value in french.facets["topic"]} == {"Pisciculture"}


def test_date_has_video_and_kind_filters(archive):
    assert urls(search(q="", to="2024-12-31")) == [archive.older.url]
    assert urls(search(q="", **{"from": "2025-01-01"}, kind="release")) == [
        archive.english.url
    ]
    assert urls(search(q="", has_video="false")) == [archive.older.url]
    assert sorted(hit.kind for hit in search(q="", kind="video").hits) == [
        "shot",
        "video",
    ]


def test_sorts(archive):
    newest = search(q="", kind="release", language="all", sort="newest")
    oldest = search(q="", kind="release", language="all", sort="oldest")

    assert [hit.date for hit in newest.hits] == [
        datetime.date(2025, 11, 19),
        datetime.date(2025, 11, 19),
        datetime.date(2023, 3, 1),
    ]
    assert urls(oldest)[0] == archive.older.url
    assert search(q="quillwort").query.sort == "relevance"
    assert search(q="").query.sort == "newest"


def test_relevance_puts_a_headline_word_first(archive, indexed, site_tree):
    # given: "fisheries" in the older release's headline, and only in the lead of a newer one
    from news.factories import NewsReleasePageFactory

    with indexed():
        NewsReleasePageFactory(
            parent=site_tree.news,
            title="Quarterly figures",
            slug="quarterly",
            lead="Figures on fisheries and ports.",
            release_date=datetime.date(2025, 12, 1),
            body=[],
        ).save_revision().publish()

    # when
    results = search(q="fisheries")

    # then
    assert urls(results)[0] == archive.older.url
    assert len(results.hits) == 2


def test_pagination_and_capped_total(archive, settings):
    # given
    settings.NEWSROOM_SEARCH_PAGE_SIZE = 3
    settings.NEWSROOM_SEARCH_TOTAL_CAP = 5

    # when
    first = search(q="", language="all")
    second = search(q="", language="all", page="2")

    # then
    assert (first.total, first.total_capped, first.page_count) == (5, True, 2)
    assert len(first.hits) == 3
    assert len(second.hits) == 3
    assert not set(urls(first)) & set(urls(second)) or kinds(first) != kinds(second)
    with pytest.raises(PageNotFound):
        search(q="", language="all", page="3")


def test_highlights_escape_what_an_editor_typed(archive):
    # when
    hit = search(q="tangerine", kind="release").hits[0]

    # then
    assert "<script>" not in hit.snippet
    assert (
        "<mark>tangerine</mark> meeting &lt;script&gt;alert(1)&lt;/script&gt; visitors"
        in hit.snippet
    )


def test_a_quote_hit_shows_the_speaker_and_the_quote(archive):
    hit = search(q="gooseberry", kind="release").hits[0]

    assert hit.speaker == "Ottoline Brackenbury"
    assert hit.quote == "<mark>gooseberry</mark> !"


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"q": "nul\x00byte"}, "q"),
        ({"q": "bell\x07"}, "q"),
        ({"q": "renseignement " * 40}, "q"),
        ({"kind": "podcast"}, "kind"),
        ({"sort": "random"}, "sort"),
        ({"language": "de"}, "language"),
        ({"topic": "not-a-key"}, "topic"),
        ({"speaker": "6a0f0f4e-58a2-4bf1-9a52-000000000000"}, "speaker"),
        ({"topic": "6a0f0f4e-58a2-4bf1-9a52-000000000000"}, "topic"),
        ({"from": "2025-02-30"}, "from"),
        ({"from": "2025-12-01", "to": "2025-01-01"}, "from"),
        ({"has_video": "maybe"}, "has_video"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
    ],
)
def test_wrong_requests_are_refused_with_the_parameter(db, params, parameter):
    # A well-formed key that names no topic or speaker is found out by the search itself.
    with pytest.raises(InvalidQuery) as error:
        archive_search(parse_query(params, page_language="en"))

    assert error.value.parameter == parameter


def test_a_filter_key_names_an_existing_topic_or_speaker(archive):
    # given: a real speaker's key given as a topic
    params = {"topic": str(archive.speaker.translation_key), "language": "all"}

    # when
    with pytest.raises(InvalidQuery) as error:
        search(**params)

    # then
    assert error.value.parameter == "topic"
    assert search(speaker=str(archive.speaker.translation_key)).total == 3


def test_a_facet_label_falls_back_to_another_language(archive, indexed):
    # given: a topic named in French only, on the French release
    from news.factories import ReleaseTopicFactory, TopicFactory

    with indexed():
        topic = TopicFactory(name="Ostréiculture", locale=archive.french.locale)
        ReleaseTopicFactory(page=archive.french, topic=topic)
        archive.french.save_revision().publish()

    # when
    english = search("en", q="", language="all", kind="release")

    # then
    labels = {value.label: value.count for value in english.facets["topic"]}
    assert labels == {"Aquaculture": 2, "Ostréiculture": 1}


# The page.


def test_the_page_shows_hits_facets_and_the_search_scope(client, archive):
    # when
    response = client.get("/en/search/", {"q": "lighthouse"})

    # then
    html = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert '<h2 id="results-heading" role="status"> 3 results </h2>' in html
    assert 'href="%s#t=12.4"' % archive.english_video.get_public_url("en") in html
    assert "Exterior <mark>lighthouse</mark>" in html
    assert '<span class="timecode">00:00:12</span>' in html
    assert '>Aquaculture</a> <span class="count">(3)</span>' in html
    assert 'href="?q=lighthouse&amp;language=all">Search in all languages</a>' in html


def test_the_french_page_searches_french_and_says_so_in_french(client, archive):
    response = client.get("/fr/search/", {"q": "le"})

    assert response.status_code == 200
    assert "ne contient que des mots très courants" in response.content.decode()
    response = client.get("/fr/search/", {"q": "phare", "language": "all"})
    assert "3 résultats" in response.content.decode()


HEADER_FORM = re.compile(
    r'<form class="header-search" role="search" method="get" action="([^"]+)"'
    r' aria-label="([^"]+)">\s*<label class="visually-hidden" for="header-search-q">'
    r"([^<]+)</label>\s*<input id=\"header-search-q\" type=\"search\" name=\"q\""
)


@pytest.mark.parametrize(
    ("language", "label", "name"),
    [
        ("en", "Search releases and videos", "Search the archive"),
        (
            "fr",
            "Rechercher des communiqués et des vidéos",
            "Rechercher dans les archives",
        ),
    ],
)
def test_every_page_header_has_a_labelled_search_box_that_searches_its_language(
    client, archive, language, label, name
):
    pages = [
        "/%s/" % language,
        "/%s/news/" % language,
        (archive.english if language == "en" else archive.french).url,
        "/%s/search/?q=lighthouse" % language,
        "/%s/no-such-page/" % language,
    ]
    for url in pages:
        # when
        html = client.get(url).content.decode()

        # then
        form = HEADER_FORM.search(html)
        assert form, url
        assert form.groups() == ("/%s/search/" % language, name, label), url

    # when: the box is submitted (a GET with q), the page searches its own language
    page = archive.english if language == "en" else archive.french
    word = "quillwort" if language == "en" else "quenouille"
    response = client.get("/%s/search/" % language, {"q": word})

    # then
    assert response.status_code == 200
    assert 'href="%s"' % page.url in response.content.decode()


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"q": "a\x00b"}, 400, "Adresse incompréhensible"),
        ({"q": "x" * 201}, 400, "Votre recherche est trop longue"),
        ({"kind": "podcast"}, 400, "n’est pas un choix valable"),
        ({"from": "2025-12-01", "to": "2025-01-01"}, 400, "La date de début"),
        ({"page": "99"}, 404, "Il n’y a pas de page 99"),
    ],
)
def test_bad_input_gets_a_clear_french_message(
    client, archive, params, status, message
):
    response = client.get("/fr/search/", params)

    assert response.status_code == status
    assert message in response.content.decode()


@pytest.mark.parametrize("filtered", [False, True])
def test_the_page_query_count_does_not_grow_with_the_page_size(
    client, archive, settings, filtered
):
    # given: words, or a speaker filter (whose key the search checks) without words
    params = {"q": "aquaculture", "language": "all"}
    if filtered:
        params = {"language": "all", "speaker": str(archive.speaker.translation_key)}

    # when
    counts = []
    for size in (1, 5):
        settings.NEWSROOM_SEARCH_PAGE_SIZE = size
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/en/search/", params)
        assert response.status_code == 200
        counts.append(len(queries))

    # then: on PostgreSQL the engine's one statement, labels and key check included
    assert counts[0] == counts[1]
    if connection.vendor == "postgresql":
        assert counts[0] == 1
    else:
        assert counts[0] == (9 if filtered else 8)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "params",
    [
        {"q": "lighthouse", "language": "all"},
        {"q": "aquaculture", "language": "en", "sort": "oldest"},
        {"language": "all", "kind": "video"},
    ],
)
def test_postgresql_answers_hits_total_and_facets_in_one_statement(archive, params):
    # given
    from search.engines import get_engine

    query = parse_query(params, page_language=None)

    # when
    with CaptureQueriesContext(connection) as queries:
        result = get_engine().search(query)

    # then
    assert len(queries) == 1
    assert result.total == len(result.rows) > 0
    assert sum(result.facets["language"].values()) == result.total
    assert sum(result.facets["kind"].values()) == result.total


@pytest.mark.postgres
def test_postgresql_numbers_a_topic_and_a_speaker_once_across_languages(archive):
    """The facet counts read numbers (migration 0005): a translation has its original's."""
    # when
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT language, topic_ids, speaker_ids FROM search_archivedocument"
            " WHERE kind = 'release' AND object_id IN (%s, %s)",
            [archive.english.pk, archive.french.pk],
        )
        rows = {language: (topics, speakers) for language, topics, speakers in cursor}
        cursor.execute(
            "SELECT k.facet, k.key FROM search_facetkey k WHERE k.id = ANY(%s)"
            " ORDER BY k.facet",
            [rows["en"][0] + rows["en"][1]],
        )
        keys = cursor.fetchall()
        cursor.execute(
            "SELECT reloptions FROM pg_class WHERE relname = 'search_archivedocument'"
        )
        options = cursor.fetchone()[0]

    # then
    assert rows["en"] == rows["fr"]
    assert keys == [
        ("speaker", archive.speaker.translation_key),
        ("topic", archive.topic.translation_key),
    ]
    # long values go to TOAST: the heap rows a common word reads stay narrow
    assert "toast_tuple_target=128" in options


def test_the_index_holds_one_row_per_item_and_language(archive):
    rows = sorted(ArchiveDocument.objects.values_list("kind", "language").order_by())

    assert rows == [
        ("release", "en"),
        ("release", "en"),
        ("release", "fr"),
        ("shot", "en"),
        ("shot", "fr"),
        ("video", "en"),
        ("video", "fr"),
    ]
    assert re.fullmatch(
        r"/media/images/.+\.fill-480x270\.\w+",
        search(q="vermilion", kind="video").hits[0].poster_url,
    )
