"""The video's technical facts in French: our own words, capitalised, in « Mo » (issue 10 item 14)."""

from django.template.loader import render_to_string
from django.utils import translation

import pytest

from media_assets.factories import VideoFactory


@pytest.mark.parametrize(
    ("language", "expected", "absent"),
    [
        ("en", ["SHA-256 checksum", "50.9 MB"], ["MiB"]),
        (
            "fr",
            ["Somme de contrôle SHA-256", "50,9\u00a0Mo"],
            ["somme de contrôle", "Mio", "MB"],
        ),
    ],
)
def test_technical_facts_read_well_in_both_languages(db, language, expected, absent):
    # given
    video = VideoFactory(checksum="ab" * 32, file_size=50_900_000, poster=None)

    # when
    with translation.override(language):
        html = render_to_string(
            "media_assets/includes/technical_metadata.html", {"video": video}
        )

    # then
    for text in expected:
        assert text in html
    for text in absent:
        assert text not in html
