import pytest

from news.factories import build_release, translate_release


@pytest.fixture
def release(site_tree):
    return build_release(site_tree.news)


@pytest.fixture
def french_release(site_tree, release):
    return translate_release(release, site_tree.locales["fr"])
