from __future__ import annotations

import pytest

from accounts.adapters import is_site_path


@pytest.mark.parametrize(
    ("_case", "url", "accepted"),
    [
        ("path", "/en/news/", True),
        ("path_with_query", "/fr/search/?q=otan&page=2", True),
        ("absolute_url", "https://evil.example/", False),
        ("same_host_absolute", "http://testserver/en/news/", False),
        ("protocol_relative", "//evil.example/", False),
        ("backslash", "/\\evil.example/", False),
        ("tab_between_slashes", "/\t/evil.example/", False),
        ("newline", "/en/\nnews/", False),
        ("javascript", "javascript:alert(1)", False),
        ("relative_without_slash", "news/", False),
        ("empty", "", False),
        ("none", None, False),
    ],
)
def test_only_plain_paths_on_this_site_are_return_pages(_case, url, accepted):
    assert is_site_path(url) is accepted
