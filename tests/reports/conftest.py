"""A small download log made by hand, whose every count is known.

| # | when (Brussels)  | who                           | organisation typed         | video, language | kind | release | requests |
| - | ---------------- | ----------------------------- | -------------------------- | --------------- | ---- | ------- | -------- |
| 1 | 2026-10-20 10:00 | alice                         | Agence France-Presse       | summit, en      | full | summit  | 1        |
| 2 | 2026-11-02 10:00 | alice                         | Agence France-Presse       | summit, en      | full | summit  | 7        |
| 3 | 2026-11-03 09:00 | alice                         | Agence France-Presse       | summit, fr      | part | summit  | 1        |
| 4 | 2026-11-03 23:30 | bob                           | "  agence france-presse "  | summit, fr      | full | summit  | 3        |
| 5 | 2026-11-10 12:00 | a deleted account (anonymised)| Reuters                    | briefing, en    | full | none    | 1        |
| 6 | 2026-11-17 08:00 | the same deleted account      | Reuters                    | summit, en      | full | summit  | 2        |
| 7 | 2026-11-17 18:00 | carol                         | Reuters                    | briefing, en    | part | briefing| 1        |
| 8 | 2026-11-30 23:59 | dave                          | (none)                     | briefing, fr    | full | briefing| 1        |

Row 1 is in October (the previous period of November); row 4 is on 3 November in Brussels but
on the 3rd at 22:30 UTC, row 8 on the 30th at 22:59 UTC (both check the time zone of buckets).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from accounts.factories import UserFactory
from media_assets.factories import DownloadFactory, VideoFactory
from media_assets.models import DownloadKind
from media_assets.reports import rollup
from media_assets.reports.selectors import Period, ReportFilters
from news.factories import NewsReleasePageFactory
from news.roles import MANAGERS


BRUSSELS = ZoneInfo("Europe/Brussels")
NOVEMBER = Period(start=datetime.date(2026, 11, 1), end=datetime.date(2026, 11, 30))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


@dataclass
class Log:
    summit: object
    summit_fr: object
    briefing: object
    briefing_fr: object
    summit_release: object
    briefing_release: object
    alice: object
    bob: object
    carol: object
    dave: object
    rows: list


@pytest.fixture
def november():
    return ReportFilters(period=NOVEMBER)


@pytest.fixture
def log(site_tree):
    french = site_tree.locales["fr"]
    summit = VideoFactory(title="Summit arrivals")
    summit_fr = summit.copy_for_translation(french)
    summit_fr.title = "Arrivées au sommet"
    summit_fr.save()
    briefing = VideoFactory(title="Press briefing")
    briefing_fr = briefing.copy_for_translation(french)
    briefing_fr.title = "Point de presse"
    briefing_fr.save()
    summit_release = NewsReleasePageFactory(
        parent=site_tree.news, title="Summit opens", slug="summit-opens"
    )
    briefing_release = NewsReleasePageFactory(
        parent=site_tree.news, title="Spokesperson's briefing", slug="briefing"
    )
    alice = UserFactory(email="alice@afp.example", organisation="Agence France-Presse")
    bob = UserFactory(email="bob@afp.example", organisation="AFP")
    carol = UserFactory(email="carol@reuters.example", organisation="Reuters")
    dave = UserFactory(email="dave@example.org", organisation="")
    gone = UserFactory(email="gone@reuters.example", organisation="Reuters")

    def row(when, user, organisation, video, language, kind, release, requests):
        return DownloadFactory(
            created_at=when,
            last_request_at=when + datetime.timedelta(minutes=requests),
            user=user,
            email=user.email,
            organisation=organisation,
            video=video,
            video_key=video.translation_key,
            video_title=video.title,
            language=language,
            kind=kind,
            release=release,
            release_key=release.translation_key if release else None,
            requests=requests,
            in_frame=25 if kind == DownloadKind.PART else None,
            out_frame=100 if kind == DownloadKind.PART else None,
        )

    full, part = DownloadKind.FULL, DownloadKind.PART
    rows = [
        row(
            at(20, 10, month=10),
            alice,
            "Agence France-Presse",
            summit,
            "en",
            full,
            summit_release,
            1,
        ),
        row(
            at(2, 10),
            alice,
            "Agence France-Presse",
            summit,
            "en",
            full,
            summit_release,
            7,
        ),
        row(
            at(3, 9),
            alice,
            "Agence France-Presse",
            summit_fr,
            "fr",
            part,
            summit_release,
            1,
        ),
        row(
            at(3, 23, 30),
            bob,
            "  agence france-presse ",
            summit_fr,
            "fr",
            full,
            summit_release,
            3,
        ),
        row(at(10, 12), gone, "Reuters", briefing, "en", full, None, 1),
        row(at(17, 8), gone, "Reuters", summit, "en", full, summit_release, 2),
        row(at(17, 18), carol, "Reuters", briefing, "en", part, briefing_release, 1),
        row(at(30, 23, 59), dave, "", briefing_fr, "fr", full, briefing_release, 1),
    ]
    # The account is deleted: the log keeps its rows, unlinked, with an anonymised snapshot.
    gone.delete()
    for number in (4, 5):
        rows[number].refresh_from_db()
        rows[number].email = "deleted-account-%d@example.invalid" % 901
        rows[number].save(update_fields=["email"])
    # What the beat task does every few minutes: the reports read the daily roll-up.
    rollup.rebuild()
    return Log(
        summit=summit,
        summit_fr=summit_fr,
        briefing=briefing,
        briefing_fr=briefing_fr,
        summit_release=summit_release,
        briefing_release=briefing_release,
        alice=alice,
        bob=bob,
        carol=carol,
        dave=dave,
        rows=rows,
    )


@pytest.fixture
def manager(site_tree):
    from django.contrib.auth.models import Group

    from news.roles import ensure_roles

    ensure_roles()
    user = UserFactory(email="manager@press.example", is_staff=True)
    user.groups.add(Group.objects.get(name=MANAGERS))
    return user
