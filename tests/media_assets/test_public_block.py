from decimal import Decimal

from django.template.loader import render_to_string

from media_assets.factories import ShotFactory
from media_assets.models import Video
from media_assets.services import process_video
from news.selectors import videos_with_shots
from tests.media_assets.test_processing import unprocessed_video
from tests.media_assets.videos import make_video


def test_the_public_video_block_shows_metadata_shots_and_no_master(
    db, django_assert_num_queries
):
    # given: a processed 29.97 MOV with two shots, loaded as the release page loads it
    video = unprocessed_video(make_video("prores.mov"), credit="© The Organisation")
    process_video(video_id=video.pk)
    ShotFactory(video=video, start=Decimal("0.000"), end=Decimal("1.001"), sort_order=1)
    ShotFactory(video=video, start=Decimal("1.001"), end=Decimal("2.002"), sort_order=2)
    warm = videos_with_shots(Video.objects.filter(pk=video.pk)).get()
    render_to_string("components/video.html", {"video": warm})  # makes the rendition
    loaded = videos_with_shots(Video.objects.filter(pk=video.pk)).get()

    # when: the template reads only what was loaded (the rendition is cached, warm)
    with django_assert_num_queries(0):
        html = render_to_string("components/video.html", {"video": loaded})

    # then
    assert 'data-processing-state="ready"' in html
    assert loaded.preview.url in html
    assert "480 × 270" in html
    assert "29.97 frames per second" in html
    assert "<dd>progressive</dd>" in html
    assert "Apple ProRes" in html
    assert "PCM 16-bit, 1 channel" in html
    assert loaded.checksum in html
    assert "© The Organisation" in html
    assert html.count('data-seek="') == 2
    assert 'data-seek="1.001"' in html
    assert ">00:00:01;00<" in html
    assert ">00:00:02;00<" in html
    assert loaded.file.name not in html
    assert "private" not in html
