"""A part, like a whole master, waits for the current usage terms to be accepted.

The same check box, the same acceptance row; refused in the person's language with nothing
queued until then.
"""

from __future__ import annotations

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone, translation

import pytest

from accounts.factories import VerifiedJournalistFactory
from media_assets import terms as usage_terms
from media_assets.choices import ClipState
from media_assets.factories import VideoFactory
from media_assets.models import Clip, ClipRequest, Download, TermsAcceptance, UsageTerms


pytestmark = pytest.mark.django_db

REFUSAL = {
    "en": "Please accept the usage terms to download a part of this video.",
    "fr": "Veuillez accepter les conditions d’utilisation pour télécharger un extrait de"
    " cette vidéo.",
}
CHECK_BOX = {
    "en": "I accept the usage terms.",
    "fr": "J’accepte les conditions d’utilisation.",
}


@pytest.fixture
def journalist(client, site_tree):
    user = VerifiedJournalistFactory()
    client.force_login(user)
    return user


@pytest.fixture
def terms(site_tree):
    english = UsageTerms.objects.create(
        version=3,
        title="usage terms",
        text="Editorial use only. Credit the organisation.",
        locale=site_tree.locales["en"],
    )
    french = english.copy_for_translation(site_tree.locales["fr"])
    french.title = "conditions d’utilisation"
    french.text = "Usage éditorial uniquement. Citez l’organisation."
    french.save()
    return english


@pytest.fixture
def video():
    # no master file: the job is queued on commit, never run (nothing is executed here)
    return VideoFactory(public_since=timezone.now(), duration=3.0, checksum="a" * 64)


def choose_url(video, language):
    with translation.override(language):
        return reverse("parts:choose", kwargs={"pk": video.pk})


def post(client, url, data):
    with TestCase.captureOnCommitCallbacks(execute=False) as queued:
        response = client.post(url, data)
    return response, queued


PART = {"in": "00:00:00:10", "out": "00:00:01:00", "cut": "fast"}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_part_is_refused_until_the_current_terms_are_accepted(
    client, journalist, terms, video, language
):
    # given: the chooser shows the terms and their check box, as the download panel does
    page = client.get(choose_url(video, language)).content.decode()
    assert CHECK_BOX[language] in page
    assert 'name="accept_terms" value="3" required' in page

    # when: prepared without ticking the box (or ticking an older version)
    refusals = [
        post(client, choose_url(video, language), data)
        for data in (PART, {**PART, "accept_terms": "2"})
    ]

    # then: a clear refusal in the person's language; nothing asked, queued or accepted
    for response, queued in refusals:
        assert response.status_code == 400
        text = response.content.decode()
        assert REFUSAL[language] in text
        assert CHECK_BOX[language] in text  # the box is offered again
        assert 'value="00:00:00:10"' in text  # and the part chosen is kept
        assert queued == []
    assert Clip.objects.count() == ClipRequest.objects.count() == 0
    assert not TermsAcceptance.objects.exists()

    # when: the box ticked
    response, queued = post(
        client, choose_url(video, language), {**PART, "accept_terms": "3"}
    )

    # then: the acceptance is recorded (as for a master) and the part queued once
    assert response.status_code == 302
    clip = Clip.objects.get()
    assert response["Location"] == "/%s/parts/%d/" % (language, clip.pk)
    assert len(queued) == 1
    acceptance = TermsAcceptance.objects.get()
    assert (acceptance.user, acceptance.version, acceptance.language) == (
        journalist, 3, language,
    )  # fmt: skip

    # and: accepted once; the next part needs no box, and the chooser shows none
    assert (
        "accept_terms" not in client.get(choose_url(video, language)).content.decode()
    )
    response, queued = post(
        client, choose_url(video, language), {**PART, "in": "00:00:00:20"}
    )
    assert response.status_code == 302
    assert Clip.objects.count() == 2
    assert TermsAcceptance.objects.count() == 1


def test_terms_accepted_for_a_master_count_for_parts_and_the_other_way_round(
    client, journalist, terms, video
):
    usage_terms.accept(journalist, terms, "en")
    page = client.get(choose_url(video, "en")).content.decode()
    assert "accept_terms" not in page
    response, queued = post(client, choose_url(video, "en"), PART)
    assert response.status_code == 302
    assert len(queued) == 1

    # a new version: everyone accepts again, for parts too
    UsageTerms.objects.create(
        version=4, title="usage terms", text="New.", locale=terms.locale
    )
    response, queued = post(client, choose_url(video, "en"), PART)
    assert response.status_code == 400
    assert queued == []
    response, queued = post(
        client, choose_url(video, "en"), {**PART, "accept_terms": "4"}
    )
    assert response.status_code == 302
    # the acceptance made through the chooser is the one the download panel reads
    assert usage_terms.has_accepted(journalist, usage_terms.current_terms())


def test_without_terms_nothing_is_asked(client, journalist, video):
    assert not UsageTerms.objects.exists()
    response, queued = post(client, choose_url(video, "en"), PART)
    assert response.status_code == 302
    assert len(queued) == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_ready_part_is_served_only_after_new_terms_are_accepted(
    client, journalist, terms, video, language, site_tree
):
    # given: my ready part, asked under version 3; version 4 is published since
    usage_terms.accept(journalist, terms, "en")
    clip = Clip.objects.create(
        video=video, checksum=video.checksum, spans=[[25, 50]], spans_key="25-50",
        in_frame=25, out_frame=50, cut="fast", state=ClipState.READY,
        file="parts/aa/1/p.mp4", size=10,
    )  # fmt: skip
    ClipRequest.objects.create(clip=clip, user=journalist)
    newer = UsageTerms.objects.create(
        version=4, title="usage terms", text="New terms.", locale=terms.locale
    )
    french = newer.copy_for_translation(site_tree.locales["fr"])
    french.title = "conditions d’utilisation"
    french.save()
    url = "/%s/parts/%d/download/" % (language, clip.pk)

    # when: the download link of the account page or the status page
    page = client.get(url)
    refused = client.post(url, {})

    # then: the terms and their box first, no link, nothing logged
    assert page.status_code == 200
    assert CHECK_BOX[language] in page.content.decode()
    assert 'action="%s"' % url in page.content.decode()
    assert refused.status_code == 400
    assert REFUSAL[language] in refused.content.decode()
    assert "Location" not in refused
    assert Download.objects.count() == 0
    assert TermsAcceptance.objects.filter(version=4).count() == 0

    # when: accepted
    accepted = client.post(url, {"accept_terms": "4"})

    # then: a fresh signed link, and the acceptance recorded
    assert accepted.status_code == 303
    assert accepted["Location"].startswith("/downloads/")
    assert TermsAcceptance.objects.get(version=4).language == language
    assert client.get(url).status_code == 303
