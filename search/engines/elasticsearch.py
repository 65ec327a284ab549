"""The Elasticsearch engine, when ELASTICSEARCH_URL is set (the 8.x client: NOTES-search.md).

One index per language (`<prefix>-en`, `<prefix>-fr`, each an alias of a concrete index so
that a rebuild swaps atomically), with that language's analyzer plus ASCII folding, fed with the
rows of the one document builder. A query is a bool: each word or phrase a `multi_match` with
field boosts, exclusions in `must_not`, filters in `filter`; highlights, terms aggregations for
the facets and a capped `track_total_hits`.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from search import conf
from search.archive import languages
from search.engines.base import MARK_END, MARK_START, Engine, EngineResult, EngineRow
from search.models import ArchiveDocument
from search.syntax import parse


if TYPE_CHECKING:
    from search.archive import ArchiveQuery

TEXT_FIELDS = [
    "title^4",
    "lead^2",
    "tags_text^2",
    "body_text",
    "quotes_text",
    "extra_text^0.5",
]
FACET_SIZE = 50
# Bulk requests of this many documents (about 1 MB for our releases).
BULK_SIZE = 500

ANALYSIS = {
    "filter": {
        "english_stop": {"type": "stop", "stopwords": "_english_"},
        "english_stemmer": {"type": "stemmer", "language": "english"},
        "english_possessive_stemmer": {
            "type": "stemmer",
            "language": "possessive_english",
        },
        "french_elision": {
            "type": "elision",
            "articles_case": True,
            "articles": [
                "l",
                "m",
                "t",
                "qu",
                "n",
                "s",
                "j",
                "d",
                "c",
                "jusqu",
                "quoiqu",
                "lorsqu",
                "puisqu",
            ],
        },
        "french_stop": {"type": "stop", "stopwords": "_french_"},
        "french_stemmer": {"type": "stemmer", "language": "light_french"},
    },
    "analyzer": {
        "newsroom_en": {
            "tokenizer": "standard",
            "filter": [
                "english_possessive_stemmer",
                "lowercase",
                "english_stop",
                "asciifolding",
                "english_stemmer",
            ],
        },
        "newsroom_fr": {
            "tokenizer": "standard",
            "filter": [
                "french_elision",
                "lowercase",
                "french_stop",
                "asciifolding",
                "french_stemmer",
            ],
        },
    },
}


def analyzer_for(language: str) -> str:
    return "newsroom_fr" if language == "fr" else "newsroom_en"


def index_body(language: str) -> dict:
    """Settings and mapping of one language's index."""
    text = {"type": "text", "analyzer": analyzer_for(language)}
    return {
        "settings": {"number_of_shards": 1, "analysis": ANALYSIS},
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "long"},
                "kind": {"type": "keyword"},
                "kind_group": {"type": "keyword"},
                "language": {"type": "keyword"},
                "published": {"type": "date", "format": "yyyy-MM-dd"},
                "year": {"type": "keyword"},
                "has_video": {"type": "boolean"},
                "topics": {"type": "keyword"},
                "speakers": {"type": "keyword"},
                "title": text,
                "lead": text,
                "tags_text": text,
                "body_text": text,
                "quotes_text": text,
                "extra_text": text,
                "place": {"type": "keyword", "index": False},
                "url": {"type": "keyword", "index": False},
                "video_id": {"type": "long"},
                "timecode": {"type": "keyword", "index": False},
                "poster_url": {"type": "keyword", "index": False},
            },
        },
    }


def source(row: ArchiveDocument, tags: list[tuple[str, str]]) -> dict:
    return {
        "id": row.pk,
        "kind": row.kind,
        "kind_group": "release" if row.kind == "release" else "video",
        "language": row.language,
        "published": row.published.isoformat(),
        "year": str(row.year),
        "has_video": row.has_video,
        "topics": sorted(key for facet, key in tags if facet == "topic"),
        "speakers": sorted(key for facet, key in tags if facet == "speaker"),
        "title": row.title,
        "lead": row.lead,
        "tags_text": row.tags_text,
        "body_text": row.body_text,
        "quotes_text": row.quotes_text,
        "extra_text": row.extra_text,
        "place": row.place,
        "url": row.url,
        "video_id": row.video_id,
        "timecode": None if row.timecode is None else str(row.timecode),
        "poster_url": row.poster_url,
    }


def _match(term) -> dict:
    body = {"query": term.text, "fields": TEXT_FIELDS}
    if term.phrase:
        body["type"] = "phrase"
    else:
        body["operator"] = "and"
    return {"multi_match": body}


def search_body(query: ArchiveQuery) -> dict:
    """The request body of a search: the documented query DSL, nothing engine-specific."""
    filters: list[dict] = []
    if query.date_from or query.date_to:
        bounds = {}
        if query.date_from:
            bounds["gte"] = query.date_from.isoformat()
        if query.date_to:
            bounds["lte"] = query.date_to.isoformat()
        filters.append({"range": {"published": bounds}})
    if query.has_video is not None:
        filters.append({"term": {"has_video": query.has_video}})
    if query.kind:
        filters.append({"term": {"kind_group": query.kind}})
    if query.topic:
        filters.append({"term": {"topics": query.topic}})
    if query.speaker:
        filters.append({"term": {"speakers": query.speaker}})
    boolean: dict = {"filter": filters}
    if query.text:
        parsed = parse(query.text)
        boolean["must"] = [
            _match(group[0])
            if len(group) == 1
            else {
                "bool": {
                    "should": [_match(term) for term in group],
                    "minimum_should_match": 1,
                }
            }
            for group in parsed.groups
        ]
        if parsed.excluded:
            boolean["must_not"] = [_match(term) for term in parsed.excluded]
    if query.sort == "relevance":
        sort = ["_score", {"published": "desc"}, {"id": "desc"}]
    else:
        direction = "desc" if query.sort == "newest" else "asc"
        sort = [
            {"published": direction},
            {"video_id": {"order": direction, "missing": "_last"}},
        ]
    body: dict = {
        "query": {"bool": boolean},
        "sort": sort,
        "from": query.offset,
        "size": query.page_size,
        "track_total_hits": conf.total_cap() + 1,
        "aggs": {
            "language": {"terms": {"field": "language", "size": FACET_SIZE}},
            "year": {"terms": {"field": "year", "size": FACET_SIZE}},
            "kind": {"terms": {"field": "kind_group", "size": FACET_SIZE}},
            "topic": {"terms": {"field": "topics", "size": FACET_SIZE}},
            "speaker": {"terms": {"field": "speakers", "size": FACET_SIZE}},
        },
    }
    if query.text:
        body["highlight"] = {
            "pre_tags": [MARK_START],
            "post_tags": [MARK_END],
            "fields": {
                "title": {"number_of_fragments": 0},
                "quotes_text": {"number_of_fragments": 0},
                "lead": {"fragment_size": 160, "number_of_fragments": 2},
                "tags_text": {"fragment_size": 160, "number_of_fragments": 1},
                "body_text": {"fragment_size": 160, "number_of_fragments": 2},
                "extra_text": {"fragment_size": 160, "number_of_fragments": 1},
            },
        }
    return body


def result_from(response: dict, query: ArchiveQuery) -> EngineResult:
    """An `EngineResult` from a search response."""
    cap = conf.total_cap()
    total = response["hits"]["total"]["value"]
    result = EngineResult(total=min(total, cap), total_capped=total > cap)
    if query.sort == "relevance":
        result.ranked = result.total
    aggregations = response.get("aggregations", {})
    result.facets = {
        name: {
            str(bucket["key"]): bucket["doc_count"]
            for bucket in aggregations.get(name, {}).get("buckets", [])
        }
        for name in ("language", "year", "kind", "topic", "speaker")
    }
    for hit in response["hits"]["hits"]:
        doc = hit["_source"]
        marks = hit.get("highlight", {})
        snippet = next(
            (
                " … ".join(marks[name])
                for name in ("lead", "tags_text", "body_text", "extra_text")
                if name in marks
            ),
            "",
        )
        result.rows.append(
            EngineRow(
                id=int(hit["_id"]),
                kind=doc["kind"],
                language=doc["language"],
                title=doc["title"],
                published=_date(doc["published"]),
                place=doc["place"],
                url=doc["url"],
                video_id=doc["video_id"],
                timecode=None if doc["timecode"] is None else float(doc["timecode"]),
                poster_url=doc["poster_url"],
                lead=doc["lead"],
                title_marked=(marks.get("title") or [""])[0],
                snippet_marked=snippet,
                quotes_marked=(marks.get("quotes_text") or [""])[0],
            )
        )
    return result


def _date(value: str):
    import datetime

    return datetime.date.fromisoformat(value)


class ElasticsearchEngine(Engine):
    name = "elasticsearch"

    def __init__(self, client=None):
        if client is None:
            from elasticsearch import Elasticsearch

            client = Elasticsearch(conf.elasticsearch_url(), request_timeout=10)
        self.client = client

    def alias(self, language: str) -> str:
        return "%s-%s" % (conf.elasticsearch_index(), language)

    def _searched(self, query: ArchiveQuery) -> list[str]:
        return [query.language] if query.language else languages()

    def _stop_words_only(self, query: ArchiveQuery) -> bool:
        for language in self._searched(query):
            analyzed = self.client.indices.analyze(
                index=self.alias(language),
                analyzer=analyzer_for(language),
                text=query.text,
            )
            if analyzed.get("tokens"):
                return False
        return True

    def search(self, query: ArchiveQuery) -> EngineResult:
        if query.text and self._stop_words_only(query):
            return EngineResult(stop_words_only=True)
        indices = ",".join(self.alias(language) for language in self._searched(query))
        body = search_body(query)
        body["from_"] = body.pop("from")
        response = self.client.search(index=indices, **body)
        return result_from(dict(response), query)

    def _documents(self, ids):
        rows = ArchiveDocument.objects.filter(pk__in=ids).prefetch_related("tags")
        for row in rows.iterator(chunk_size=BULK_SIZE):
            tags = [(tag.facet, str(tag.key)) for tag in row.tags.all()]
            yield row, tags

    def _bulk(self, operations: list[dict]) -> None:
        for start in range(0, len(operations), BULK_SIZE * 2):
            self.client.bulk(
                operations=operations[start : start + BULK_SIZE * 2], refresh="wait_for"
            )

    def ensure_indices(self) -> None:
        """Create each language's index and alias when there is none yet."""
        for language in languages():
            alias = self.alias(language)
            if not self.client.indices.exists_alias(name=alias):
                self.client.indices.create(
                    index="%s-%d" % (alias, int(time.time() * 1000)),
                    aliases={alias: {}},
                    **index_body(language),
                )

    def index(self, ids: list[int], *, targets: dict | None = None) -> None:
        if not ids:
            return
        if targets is None:
            self.ensure_indices()
        operations: list[dict] = []
        for row, tags in self._documents(ids):
            target = (targets or {}).get(row.language) or self.alias(row.language)
            operations += [
                {"index": {"_index": target, "_id": str(row.pk)}},
                source(row, tags),
            ]
        self._bulk(operations)

    def remove(self, ids: list[int]) -> None:
        operations = []
        for language in languages():
            operations += [
                {"delete": {"_index": self.alias(language), "_id": str(pk)}}
                for pk in ids
            ]
        if operations:
            # Deleting what is not there answers "not_found" per item, which is what we want.
            self.client.bulk(operations=operations, refresh="wait_for")

    def rebuild(self) -> None:
        """Fill new indices, then point the aliases at them in one atomic step."""
        suffix = str(int(time.time() * 1000))
        targets = {}
        for language in languages():
            name = "%s-%s" % (self.alias(language), suffix)
            self.client.indices.create(index=name, **index_body(language))
            targets[language] = name
        ids = list(ArchiveDocument.objects.order_by("pk").values_list("pk", flat=True))
        self.index(ids, targets=targets)
        actions = []
        old = []
        for language, name in targets.items():
            alias = self.alias(language)
            if self.client.indices.exists_alias(name=alias):
                old += list(dict(self.client.indices.get_alias(name=alias)))
                actions.append({"remove": {"index": "*", "alias": alias}})
            actions.append({"add": {"index": name, "alias": alias}})
        self.client.indices.update_aliases(actions=actions)
        for name in old:
            self.client.indices.delete(index=name)
