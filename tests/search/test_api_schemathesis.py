"""Property-based: 1,000 generated requests find no server error and no answer off the schema."""

from __future__ import annotations

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from cms.wsgi import application


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def archive(site_tree, django_capture_on_commit_callbacks, settings):
    from tests.search.archive import build_archive

    settings.NEWSROOM_SEARCH_API_RATE = "1000000/m"
    with django_capture_on_commit_callbacks(execute=True):
        built = build_archive(site_tree)
    # As Django's test client does: the requests share the test's connection and transaction.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield built
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_generated_requests(case, archive):
    case.call_and_validate(
        checks=[
            schemathesis.checks.not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ]
    )
