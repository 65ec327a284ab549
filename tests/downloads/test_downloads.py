"""The download panel, signed links, the log and the development Range backend."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import re
from concurrent.futures import ThreadPoolExecutor

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import pytest
import time_machine

from accounts.factories import UserFactory, VerifiedJournalistFactory
from media_assets.models import Download, TermsAcceptance, Video
from news.models import NewsReleasePage
from tests.downloads.conftest import MASTER_SIZE


FILENAME = "2025-11-19 Secretary General meets heads of allied intelligence services 1080i25.mxf"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download_url(video) -> str:
    return video.get_public_url("en") + "download/"


def fresh_link(client, video, **data) -> str:
    response = client.post(
        download_url(video), {"release": video.release.pk, "accept_terms": "3", **data}
    )
    assert response.status_code == 303, response.content[:300]
    return response["Location"]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# --- the video page and its panel ------------------------------------------------------------


def test_video_page_shows_player_facts_shots_releases_and_the_panel_per_person(
    public_video, django_assert_num_queries
):
    # given
    url = public_video.get_public_url("en")
    assert url == "/en/videos/%d/%s/" % (
        public_video.pk,
        "secretary-general-meets-heads-of-allied-intelligence-services",
    )
    unverified = client_for(UserFactory())
    verified = client_for(VerifiedJournalistFactory())

    # when
    Client().get(url)
    with django_assert_num_queries(VIDEO_PAGE_QUERIES):
        anonymous = Client().get(url).content.decode()

    # then
    assert "<h1 " in anonymous
    assert public_video.title in anonymous
    assert 'id="player-%d"' % public_video.pk in anonymous
    assert "Shot list" in anonymous
    assert "Releases with this video" in anonymous
    assert 'href="/en/news/allies-meet/"' in anonymous
    assert "Log in or create an account to download the broadcast master." in anonymous
    assert 'href="/en/accounts/login/?next=%s"' % url in anonymous
    assert 'href="/en/accounts/signup/?next=%s"' % url in anonymous
    assert (
        "Verify your e-mail address to download."
        in unverified.get(url).content.decode()
    )
    html = verified.get(url).content.decode()
    assert "Download the broadcast master: MXF, MPEG-2 1080i25, 300.0 kB" in html
    assert "Credit: © Newsroom / Alex Doe" in html


VIDEO_PAGE_QUERIES = 7


@pytest.mark.parametrize(
    ("_case", "language"),
    [("release and video pages", "en"), ("video page", "fr")],
)
def test_the_part_chooser_is_offered_under_each_video_only_to_who_may_download(
    public_video, _case, language
):
    # given
    chooser = '<a href="/%s/parts/choose/%d/">' % (language, public_video.pk)
    pages = [public_video.get_public_url(language)]
    if language == "en":
        pages.append("/en/news/allies-meet/")

    for url in pages:
        # when
        anonymous = Client().get(url).content.decode()
        unverified = client_for(UserFactory()).get(url).content.decode()
        verified = client_for(VerifiedJournalistFactory()).get(url).content.decode()

        # then
        assert chooser not in anonymous
        assert chooser not in unverified
        assert verified.count(chooser) == 1, url


def test_french_page_and_panel(public_video):
    # when
    html = Client().get(public_video.get_public_url("fr")).content.decode()

    # then
    assert "Connectez-vous ou créez un compte pour télécharger le master" in html


def test_unpublished_or_withdrawn_video_has_no_page_and_no_link(
    site_tree, public_video
):
    # given
    journalist = client_for(VerifiedJournalistFactory())
    link = fresh_link(journalist, public_video)

    # when: its only release is unpublished
    NewsReleasePage.objects.get(pk=public_video.release.pk).unpublish()

    # then
    assert Video.objects.get(pk=public_video.pk).public_since is None
    assert Client().get(public_video.get_public_url("en")).status_code == 404
    assert journalist.post(download_url(public_video)).status_code == 404
    response = journalist.get(link)
    assert response.status_code == 404
    assert "This video is no longer available." in response.content.decode()


# --- signed links, terms, the log ---------------------------------------------------------


def test_first_download_asks_for_the_terms_once_then_serves_the_master(
    public_video, terms, master_bytes
):
    # given
    person = VerifiedJournalistFactory(organisation="Agence de presse")
    client = client_for(person)

    # when: without accepting
    refused = client.post(
        download_url(public_video), {"release": public_video.release.pk}
    )
    # then
    assert refused.status_code == 200
    assert "Editorial use only." in refused.content.decode()
    assert not TermsAcceptance.objects.exists()

    # when: accepted in French
    response = client.post(
        public_video.get_public_url("fr") + "download/",
        {"release": public_video.release.pk, "accept_terms": "3"},
    )
    # then
    assert response.status_code == 303
    acceptance = TermsAcceptance.objects.get()
    assert (acceptance.user, acceptance.version, acceptance.language) == (
        person,
        3,
        "fr",
    )
    link = response["Location"]
    assert re.fullmatch(
        r"/downloads/[^/]+/2025-11-19_Secretary_General_[\w-]+\.mxf", link
    )

    # when: the link is fetched without any session (a download manager)
    download = Client().get(link)

    # then
    assert download.status_code == 200
    assert download["Content-Disposition"] == ('attachment; filename="%s"' % FILENAME)
    assert download["Accept-Ranges"] == "bytes"
    assert download["Content-Length"] == str(MASTER_SIZE)
    assert hashlib.sha256(body(download)).hexdigest() == public_video.checksum
    row = Download.objects.get()
    assert (row.user, row.email, row.organisation, row.language) == (
        person,
        person.email,
        "Agence de presse",
        "fr",
    )
    assert (row.video, row.video_key, row.release_id, row.kind, row.size) == (
        public_video,
        public_video.translation_key,
        public_video.release.pk,
        "full",
        MASTER_SIZE,
    )
    assert (row.requests, row.bytes_sent) == (1, MASTER_SIZE)
    assert row.release_key == public_video.release.translation_key

    # and the second download asks nothing more
    assert client.post(download_url(public_video)).status_code == 303


def test_utf8_file_names_get_filename_star(site_tree, public_video):
    # given
    Video.objects.filter(pk=public_video.pk).update(title="Réunion à l’OTAN")
    video = Video.objects.get(pk=public_video.pk)
    video.release = public_video.release

    # when
    response = Client().get(fresh_link(client_for(VerifiedJournalistFactory()), video))

    # then
    assert response["Content-Disposition"] == (
        'attachment; filename="2025-11-19 Runion  lOTAN 1080i25.mxf"; '
        "filename*=UTF-8''2025-11-19%20R%C3%A9union%20%C3%A0%20l%E2%80%99OTAN%201080i25.mxf"
    )


@pytest.mark.parametrize(
    ("headers", "status", "content_range", "part"),
    [
        ({"Range": "bytes=-500"}, 206, "bytes 299517-300016/300017", slice(-500, None)),
        ({"Range": "bytes=1000-"}, 206, "bytes 1000-300016/300017", slice(1000, None)),
        ({"Range": "bytes=0-0"}, 206, "bytes 0-0/300017", slice(0, 1)),
        ({"Range": "bytes=300017-"}, 416, "bytes */300017", slice(0, 0)),
        ({"Range": "bytes=5-9", "If-Range": '"stale"'}, 200, None, slice(None)),
        ({"Range": "bytes=abc"}, 200, None, slice(None)),
    ],
    ids=[
        "suffix",
        "open",
        "first-byte",
        "unsatisfiable",
        "stale-if-range",
        "malformed",
    ],
)
def test_range_requests(
    public_video, master_bytes, headers, status, content_range, part
):
    # given
    link = fresh_link(client_for(VerifiedJournalistFactory()), public_video)

    # when
    response = Client().get(link, headers=headers)

    # then
    assert response.status_code == status
    assert response.get("Content-Range") == content_range
    content = body(response) if response.streaming else response.content
    assert content == master_bytes[part]


def test_cut_and_resume_is_one_download_with_the_same_checksum(
    public_video, master_bytes
):
    # given
    link = fresh_link(client_for(VerifiedJournalistFactory()), public_video)
    first = Client().get(link)
    cut = 123_457
    received = b""
    for chunk in first.streaming_content:  # the connection drops mid-way
        received += chunk
        if len(received) >= cut:
            break
    received = received[:cut]
    etag = first["ETag"]

    # when: resumed like curl -C - / wget -c
    head = Client().head(link)
    rest = Client().get(link, headers={"Range": "bytes=%d-" % cut, "If-Range": etag})

    # then
    assert (head.status_code, head["Content-Length"], head.content) == (
        200,
        str(MASTER_SIZE),
        b"",
    )
    assert rest.status_code == 206
    assert hashlib.sha256(received + body(rest)).hexdigest() == public_video.checksum
    row = Download.objects.get()
    assert (row.requests, row.bytes_sent) == (2, MASTER_SIZE + MASTER_SIZE - cut)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_asgi_serves_the_range_in_chunks(public_video, master_bytes):
    # given: Django's own ASGI handler, as uvicorn or daphne would call it
    from django.core.handlers.asgi import ASGIHandler

    link = fresh_link(client_for(VerifiedJournalistFactory()), public_video)
    sent = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        while not sent or sent[-1].get("more_body", True):  # the client stays connected
            await asyncio.sleep(0.01)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": link,
        "raw_path": link.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"range", b"bytes=100-")],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }

    # when (in a thread of its own: Playwright's sync API, used by a browser test earlier in
    # the process, leaves an event loop running in this one)
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, ASGIHandler()(scope, receive, send)).result()

    # then
    assert sent[0]["status"] == 206
    chunks = [
        m["body"]
        for m in sent[1:]
        if m["type"] == "http.response.body" and m.get("body")
    ]
    # Django's handler sends at most 64 KiB per message: the response was never one piece
    assert max(len(chunk) for chunk in chunks) == 65536
    assert b"".join(chunks) == master_bytes[100:]


# --- who gets bytes --------------------------------------------------------------------------


def test_access_matrix(site_tree, public_video, settings):
    # given
    owner = VerifiedJournalistFactory()
    link = fresh_link(client_for(owner), public_video)
    other = VerifiedJournalistFactory()

    # then: minting a link
    assert (
        Client()
        .post(download_url(public_video))["Location"]
        .startswith("/en/accounts/login/?next=")
    )
    unverified = client_for(UserFactory())
    assert unverified.post(download_url(public_video))["Location"] == (
        public_video.get_public_url("en")
    )
    # someone else's link, in their session
    refused = client_for(other).get(link)
    assert refused.status_code == 403
    assert "made for another account" in refused.content.decode()
    assert "Get a fresh link from the video page" in refused.content.decode()
    # a forged link
    assert Client().get(link.replace("/downloads/", "/downloads/x")).status_code == 404
    # expired
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=24, seconds=5)):
        expired = Client().get(link)
    assert expired.status_code == 410
    assert "This download link has expired." in expired.content.decode()
    # deactivated
    owner.is_active = False
    owner.save()
    assert Client().get(link).status_code == 403
    assert Download.objects.count() == 0


def test_staff_download_any_master_from_the_admin(
    site_tree, public_video, master_bytes
):
    # given: a video that no live release shows
    NewsReleasePage.objects.get(pk=public_video.release.pk).unpublish()
    staff = client_for(UserFactory(is_staff=True, is_superuser=True))
    journalist = client_for(VerifiedJournalistFactory())

    # when
    response = staff.get("/admin/videos/%d/master/" % public_video.pk)

    # then
    assert response.status_code == 302
    assert body(staff.get(response["Location"])) == master_bytes
    assert (
        journalist.get("/admin/videos/%d/master/" % public_video.pk).status_code == 302
    )
    assert (
        "/admin/login/"
        in journalist.get("/admin/videos/%d/master/" % public_video.pk)["Location"]
    )


def test_hourly_limit_is_a_429_in_the_persons_language(public_video, settings):
    # given
    settings.NEWSROOM_DOWNLOADS_PER_HOUR = 2
    client = client_for(VerifiedJournalistFactory())
    links = [fresh_link(client, public_video) for _ in range(3)]
    for link in links[:2]:
        assert Client().head(link).status_code == 200

    # when
    refused = Client().get(links[2])
    minted = client.post(public_video.get_public_url("fr") + "download/")

    # then
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) in range(3590, 3601)
    assert minted.status_code == 429
    assert "Trop de téléchargements" in minted.content.decode()
    # resuming a download already started is not a new one
    assert Client().get(links[0], headers={"Range": "bytes=0-9"}).status_code == 206


def test_log_keeps_the_organisation_as_it_was_and_survives_account_deletion(
    public_video,
):
    # given
    person = VerifiedJournalistFactory(organisation="Le Quotidien")
    Client().get(fresh_link(client_for(person), public_video))
    journalist = VerifiedJournalistFactory(organisation="Other")
    Client().get(fresh_link(client_for(journalist), public_video))

    # when
    person.organisation = "Another paper"
    person.save()
    # then
    assert Download.objects.get(user=person).organisation == "Le Quotidien"

    # when
    person.delete()
    call_command("anonymise_accounts", "--yes-this-is-a-copy", verbosity=0)

    # then
    rows = list(
        Download.objects.order_by("created_at").values("user", "email", "organisation")
    )
    assert rows == [
        {"user": None, "email": "", "organisation": "Le Quotidien"},
        {
            "user": journalist.pk,
            "email": "journalist-%d@example.invalid" % journalist.pk,
            "organisation": "Other",
        },
    ]


def test_account_page_lists_my_downloads_with_fresh_links(
    public_video, master_bytes, django_assert_num_queries
):
    # given
    person = VerifiedJournalistFactory()
    client = client_for(person)
    Client().get(fresh_link(client, public_video))
    other = VerifiedJournalistFactory()
    Client().get(fresh_link(client_for(other), public_video))
    client.get("/en/accounts/profile/")

    # when
    with django_assert_num_queries(ACCOUNT_PAGE_QUERIES):
        html = client.get("/en/accounts/profile/").content.decode()

    # then
    assert html.count("Download again") == 1
    fresh = re.search(r'<a href="(/downloads/[^"]+)">Download again', html).group(1)
    assert body(Client().get(fresh)) == master_bytes
    assert Download.objects.filter(user=person).count() == 2


ACCOUNT_PAGE_QUERIES = 8  # downloads (1) and parts (1) among them


def test_from_the_video_page_the_file_is_dated_by_its_release(public_video):
    # given
    client = client_for(VerifiedJournalistFactory())

    # when: no release posted (the video page's panel)
    link = client.post(download_url(public_video))["Location"]

    # then
    response = Client().get(link)
    assert response["Content-Disposition"] == 'attachment; filename="%s"' % FILENAME
    assert Download.objects.get().release_id is None


def test_scheduled_release_video_has_no_page_master_or_poster_until_go_live(
    site_tree, master_bytes
):
    # given: a release approved for go-live in two hours shows a new video
    from django.core.files.base import ContentFile

    from media_assets.factories import VideoFactory
    from news.tasks import publish_scheduled_task
    from tests.downloads.helpers import release_showing

    video = VideoFactory(title="Embargoed arrival")
    video.file.save("master.mxf", ContentFile(master_bytes))
    release = release_showing(site_tree.news, video, live=False)
    go_live = (timezone.now() + datetime.timedelta(hours=2)).replace(microsecond=0)
    revision = release.get_latest_revision()
    revision.approved_go_live_at = go_live
    revision.save()
    release.has_unpublished_changes = True
    release.save()
    journalist = client_for(VerifiedJournalistFactory())
    poster = video.poster.file.url
    page = video.get_public_url("en")

    def visible():
        return {
            "page": Client().get(page).status_code,
            "poster": Client().get(poster).status_code,
            "link": journalist.post(page + "download/").status_code,
        }

    # then
    assert visible() == {"page": 404, "poster": 404, "link": 404}

    # when
    with time_machine.travel(go_live + datetime.timedelta(minutes=1), tick=False):
        publish_scheduled_task.apply().get()

    # then
    assert visible() == {"page": 200, "poster": 200, "link": 303}
