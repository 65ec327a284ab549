"""The engine behind `archive_search`: Elasticsearch when configured, else the database's own."""

from __future__ import annotations

from django.db import connection

from search import conf
from search.engines.base import Engine


def get_engine() -> Engine:
    if conf.elasticsearch_url():
        from search.engines.elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine()
    if connection.vendor == "postgresql":
        from search.engines.postgres import PostgresEngine

        return PostgresEngine()
    from search.engines.sqlite import SqliteEngine

    return SqliteEngine()
