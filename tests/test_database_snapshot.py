"""The suite's fast put-back of the test database (tests/database_snapshot.py)."""

import inspect

from django.db import connection
from django.test import TransactionTestCase

from wagtail.models import Locale, Page

import pytest

from accounts.factories import VerifiedJournalistFactory
from accounts.models import User
from tests.database_snapshot import TableSnapshot


def test_djangos_teardown_is_still_the_flush_that_the_snapshot_replaces():
    """Fails on a Django upgrade that changes the private method replaced (Django 5.2)."""
    from django.test import testcases

    original = inspect.getsource(testcases.TransactionTestCase._post_teardown)
    assert "self._fixture_teardown()" in original
    assert "conn.close()" in original
    if connection.vendor == "postgresql":
        assert (
            TransactionTestCase._fixture_teardown.__module__
            == "tests.database_snapshot"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_restore_removes_what_a_test_wrote_and_brings_back_what_it_deleted():
    # given
    snapshot = TableSnapshot()
    snapshot.take(connection)
    pages = Page.objects.count()
    VerifiedJournalistFactory(email="left.behind@example.org")
    Locale.objects.filter(language_code="fr").update(language_code="de")

    # when
    snapshot.restore()

    # then
    assert not User.objects.filter(email="left.behind@example.org").exists()
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == [
        "en",
        "fr",
    ]
    assert Page.objects.count() == pages


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_starts_from_the_committed_site_tree():
    assert sorted(Locale.objects.values_list("language_code", flat=True)) == [
        "en",
        "fr",
    ]
    assert Page.objects.filter(depth=3).count() == 2  # the home page in both languages
