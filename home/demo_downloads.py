"""A believable download log for the demo, so that the download reports have something to show.

A few hundred downloads of the demo videos over the last four months, by a dozen journalists of
some ten media (their organisation typed with the spellings people use), in both languages, full
masters and parts, some resumed (several requests), and one deleted account's. Made once: the
rows carry tokens of their own (`demo-…`), and a second run finds them and does nothing.
"""

from __future__ import annotations

import datetime
import random

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from media_assets.models import Download, DownloadKind
from media_assets.reports import rollup


LINK_PREFIX = "demo-"  # the rows' `token`: signed-link ids of their own
DAYS = 120
ROWS = 360

# (e-mail, organisation as the person typed it at sign-up, relative activity)
JOURNALISTS = [
    ("claire.martin@afp.example", "Agence France-Presse", 9),
    ("jean.dupuis@afp.example", "agence france-presse ", 4),
    ("tom.baker@reuters.example", "Reuters", 8),
    ("ines.costa@reuters.example", "REUTERS", 3),
    ("mia.schmidt@dw.example", "Deutsche Welle", 5),
    ("sam.okafor@bbc.example", "BBC News", 6),
    ("lea.dubois@rtbf.example", "RTBF", 4),
    ("marco.rossi@rai.example", "RAI", 2),
    ("ana.lopez@elpais.example", "El País", 2),
    ("yuki.tanaka@nhk.example", "NHK World", 2),
    ("paul.girard@lemonde.example", "Le Monde", 3),
    ("freelance.reporter@example.org", "", 1),
]
# Downloads of an account deleted since: they count, without the address.
DELETED_ACTIVITY = 2


def seed_download_log(videos: dict, releases: list) -> int:
    """Write the demo log (once) and roll it up for the reports; returns the rows written.

    `videos`: the demo's English videos; `releases`: its English release pages.
    """
    if not videos or Download.objects.filter(token__startswith=LINK_PREFIX).exists():
        return 0
    rng = random.Random(14)  # noqa: S311 (the same demo every time, not a secret)
    people = []
    for email, organisation, activity in JOURNALISTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create(
                email=email,
                organisation=organisation.strip(),
                password=make_password(None),  # no log-in: the log's people only
            )
        people.append((user, organisation, activity))
    people.append((None, "Reuters", DELETED_ACTIVITY))
    weights = [activity for _user, _organisation, activity in people]

    showing = {}
    for page in releases:
        for item in page.videos.all():
            showing.setdefault(item.video_id, []).append(page)
    # The first videos of the demo are the most downloaded ones.
    masters = list(videos.values())
    video_weights = [len(masters) - n for n in range(len(masters))]
    locale = _french_locale()
    french = {
        video.pk: video.get_translation_or_none(locale) if locale else None
        for video in masters
    }

    now = timezone.now()
    rows = []
    for number in range(ROWS):
        user, organisation, _activity = rng.choices(people, weights)[0]
        master = rng.choices(masters, video_weights)[0]
        language = "fr" if rng.random() < 0.35 else "en"
        video = (french.get(master.pk) or master) if language == "fr" else master
        pages = showing.get(master.pk) or [None]
        release = rng.choice(pages) if rng.random() < 0.9 else None
        part = rng.random() < 0.3
        # More downloads lately: the square of a uniform number leans towards today.
        when = now - datetime.timedelta(seconds=(rng.random() ** 2) * DAYS * 86400)
        requests = 1 if rng.random() < 0.7 else rng.randint(2, 9)
        size = master.file_size or 1_500_000
        if part:
            size = size // rng.randint(3, 8)
        release_page = (
            release.get_translation_or_none(video.locale) or release
            if release
            else None
        )
        rows.append(
            Download(
                user=user,
                email=user.email if user else "",
                organisation=organisation,
                video=video,
                video_key=master.translation_key,
                video_title=video.title,
                language=language,
                release=release_page,
                release_key=release.translation_key if release else None,
                kind=DownloadKind.PART if part else DownloadKind.FULL,
                in_frame=250 if part else None,
                out_frame=250 + rng.randint(5, 40) * 25 if part else None,
                cut=rng.choice(["fast", "exact"]) if part else "",
                token="%s%d" % (LINK_PREFIX, number),
                size=size,
                requests=requests,
                bytes_sent=size,
                created_at=when,
                last_request_at=when + datetime.timedelta(seconds=requests * 40),
            )
        )
    with transaction.atomic():
        Download.objects.bulk_create(rows)
    rollup.rebuild()
    return len(rows)


def _french_locale():
    from wagtail.models import Locale

    return Locale.objects.filter(language_code="fr").first()
