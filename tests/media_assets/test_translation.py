from decimal import Decimal

from django.core.files.base import ContentFile

from wagtail.models import Locale

from core.translation import translate_with
from media_assets.factories import ShotFactory
from media_assets.models import ProcessingState
from media_assets.services import process_video
from tests.media_assets.test_processing import unprocessed_video
from tests.media_assets.videos import make_video


FRENCH = {
    "Summit arrivals": "Arrivées au sommet",
    "Arrivals of the heads of delegation.": "Arrivée des chefs de délégation.",
    "© The Organisation": "© L’Organisation",
    "Wide shot of the hall": "Plan large de la salle",
    "The Secretary General speaks": "Le Secrétaire général s’exprime",
}


def test_a_video_translates_its_words_and_shares_its_technical_fields(
    db, site_tree, django_capture_on_commit_callbacks
):
    # given: a processed video with two shots
    video = unprocessed_video(
        make_video("h264.mp4"),
        title="Summit arrivals",
        description="Arrivals of the heads of delegation.",
        credit="© The Organisation",
    )
    ShotFactory(
        video=video,
        start=Decimal("0"),
        end=Decimal("1"),
        description="Wide shot of the hall",
    )
    ShotFactory(
        video=video,
        start=Decimal("1"),
        end=Decimal("2.5"),
        description="The Secretary General speaks",
    )
    process_video(video_id=video.pk)
    video.refresh_from_db()

    # when: translated into French through wagtail-localize
    french = translate_with(video, Locale.objects.get(language_code="fr"), FRENCH)

    # then: words translated, technical fields and timecodes shared
    assert (french.title, french.description, french.credit) == (
        "Arrivées au sommet",
        "Arrivée des chefs de délégation.",
        "© L’Organisation",
    )
    assert [
        (s.start, s.end, s.description) for s in french.shots.order_by("sort_order")
    ] == [
        (Decimal("0.000"), Decimal("1.000"), "Plan large de la salle"),
        (Decimal("1.000"), Decimal("2.500"), "Le Secrétaire général s’exprime"),
    ]
    for field in ("file", "preview"):
        assert getattr(french, field).name == getattr(video, field).name
    for field in (
        "poster_id",
        "checksum",
        "duration",
        "frame_rate_numerator",
        "processing_state",
    ):
        assert getattr(french, field) == getattr(video, field)

    # when: the master is replaced and processed on the source
    video.replacement.save(
        "new.mov", ContentFile(make_video("prores.mov").read_bytes())
    )
    with django_capture_on_commit_callbacks(execute=True):
        process_video(video_id=video.pk)

    # then: the French video follows at once, keeping its words
    french.refresh_from_db()
    assert french.processing_state == ProcessingState.READY
    assert french.container == "mov"
    assert french.file.name.endswith(".mov")
    assert french.title == "Arrivées au sommet"
