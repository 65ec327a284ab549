"""Create the demo newsroom: site tree, topics, speakers, videos, releases, users. Idempotent."""

from __future__ import annotations

import json
import secrets
import shutil
import string
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from wagtail.models import Locale
from wagtail.rich_text import RichText

from allauth.account.models import EmailAddress

from accounts.models import User
from core.translation import translate_with
from home import demo_content as demo
from home.demo_downloads import seed_download_log
from home.services import ensure_site_tree
from media_assets.models import Shot, Video
from media_assets.services import ingest_master
from news import roles
from news.models import (
    NewsReleasePage,
    ReleaseQuote,
    ReleaseTopic,
    ReleaseVideo,
    Speaker,
    Topic,
)
from news.workflow import ensure_release_workflow


DEMO_USERS = [
    # (e-mail, role shown to the person, group, is_superuser)
    (
        "editor@newsroom.example",
        "Editor-in-chief (administrator)",
        roles.MANAGERS,
        True,
    ),
    ("officer@newsroom.example", "Communications officer", roles.OFFICERS, False),
    ("reviewer@newsroom.example", "Reviewer", roles.REVIEWERS, False),
    (
        "translator.fr@newsroom.example",
        "French translator",
        roles.TRANSLATORS_FR,
        False,
    ),
    ("journalist@newsroom.example", "Journalist (verified account)", None, False),
]


def generate_password() -> str:
    """A random demo password that meets the site's policy (12+ characters, all four classes)."""
    alphabet = string.ascii_letters + string.digits + "-_!?%"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(16))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
            and any(c in "-_!?%" for c in password)
        ):
            return password


class Command(BaseCommand):
    help = "Create the demo newsroom content and demo users (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            dest="is_demo",
            help="Confirm that this database is a demo: demo users (one a superuser) and "
            "content are created in it. Also needs DEBUG on (`make run` passes it).",
        )
        parser.add_argument(
            "--no-video",
            action="store_true",
            help="Skip generating demo videos with ffmpeg.",
        )

    def handle(self, *args, is_demo=False, no_video=False, **options):
        if not settings.DEBUG or not is_demo:
            raise CommandError(
                "seed_demo creates demo users (one a superuser, with passwords written "
                "under var/) and demo content: it runs only on a demo database, with "
                "DEBUG on and --demo given. Nothing was changed."
            )
        tree = ensure_site_tree(
            home_title=demo.SITE["home"],
            news_title=demo.SITE["news"],
            translations={"fr": demo.FRENCH},
        )
        english, french = tree.locales["en"], tree.locales["fr"]

        topics = {name: self.topic(name, english, french) for name in demo.TOPICS}
        speakers = {
            key: self.speaker(data, english, french)
            for key, data in demo.SPEAKERS.items()
        }
        videos = {}
        if not no_video:
            if shutil.which("ffmpeg") is None:
                self.stderr.write(
                    "ffmpeg is not installed: the demo releases will have no video."
                )
            else:
                videos = {
                    key: self.video(data, english, french)
                    for key, data in demo.VIDEOS.items()
                }

        releases = [
            self.release(data, tree.news, french, topics, speakers, videos)
            for data in demo.RELEASES
        ]

        credentials = self.users()
        # After the news sections exist: the review workflow attaches to each locale's one.
        ensure_release_workflow()
        # The download reports' charts: a few months of downloads of the demo videos.
        if seed_download_log(videos, releases):
            self.stdout.write("Wrote a demo download log for the download reports.")
        self.report(credentials)

    # Records -------------------------------------------------------------------------------------

    def topic(self, name: str, english: Locale, french: Locale) -> Topic:
        topic = Topic.objects.filter(locale=english, name=name).first()
        if topic is None:
            topic = Topic.objects.create(locale=english, name=name)
        if not topic.has_translation(french):
            translate_with(topic, french, demo.FRENCH)
        return topic

    def speaker(self, data: dict, english: Locale, french: Locale) -> Speaker:
        speaker = Speaker.objects.filter(locale=english, name=data["name"]).first()
        if speaker is None:
            speaker = Speaker.objects.create(locale=english, **data)
        if not speaker.has_translation(french):
            translate_with(speaker, french, demo.FRENCH)
        return speaker

    def video(self, data: dict, english: Locale, french: Locale) -> Video:
        video = Video.objects.filter(locale=english, title=data["title"]).first()
        if video is None:
            with transaction.atomic():
                video = Video(
                    locale=english,
                    title=data["title"],
                    description=data["description"],
                    credit=data["credit"],
                )
                with tempfile.TemporaryDirectory() as workdir:
                    master = Path(workdir) / ("%s.mp4" % data["pattern"])
                    self.generate_master(master, data)
                    with master.open("rb") as handle:
                        video.file.save(master.name, File(handle), save=False)
                    video.save()
                for order, (start, end, description) in enumerate(data["shots"]):
                    Shot.objects.create(
                        video=video,
                        locale=english,
                        start=start,
                        end=end,
                        description=description,
                        sort_order=order,
                    )
            self.stdout.write(
                "Processing the demo video “%s” with ffmpeg…" % video.title
            )
        if not video.preview:
            ingest_master(video=video)
            video.refresh_from_db()
        if not video.has_translation(french):
            translate_with(video, french, demo.FRENCH)
        return video

    @staticmethod
    def generate_master(path: Path, data: dict) -> None:
        """A short broadcast-style test master: a test pattern with a tone, H.264/AAC, 25 fps."""
        seconds = str(data["seconds"])
        subprocess.run(
            [
                "ffmpeg", "-nostdin", "-v", "error", "-y",
                "-f", "lavfi", "-i", "%s=size=1280x720:rate=25:duration=%s" % (data["pattern"], seconds),
                "-f", "lavfi", "-i", "sine=frequency=%d:sample_rate=48000:duration=%s" % (data["tone"], seconds),
                "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", "-g", "50",
                "-c:a", "aac", "-b:a", "128k", "-shortest", str(path),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )  # fmt: skip

    # Releases ------------------------------------------------------------------------------------

    def release(
        self, data: dict, news_index, french: Locale, topics, speakers, videos
    ) -> NewsReleasePage:
        page = (
            NewsReleasePage.objects.child_of(news_index)
            .filter(slug=data["slug"])
            .first()
        )
        if page is None:
            page = NewsReleasePage(
                title=data["title"],
                slug=data["slug"],
                release_date=data["date"],
                place=data["place"],
                lead=data["lead"],
                body=[
                    (
                        kind,
                        RichText("<p>%s</p>" % text) if kind == "paragraph" else text,
                    )
                    for kind, text in data["body"]
                ],
            )
            for order, (speaker_key, text) in enumerate(data["quotes"]):
                page.quotes.add(
                    ReleaseQuote(
                        speaker=speakers[speaker_key], text=text, sort_order=order
                    )
                )
            for order, name in enumerate(data["topics"]):
                page.topics.add(ReleaseTopic(topic=topics[name], sort_order=order))
            for order, key in enumerate(key for key in data["videos"] if key in videos):
                page.videos.add(ReleaseVideo(video=videos[key], sort_order=order))
            news_index.add_child(instance=page)
            page.save_revision().publish()
        if not page.has_translation(french):
            translate_with(page, french, demo.FRENCH, publish=True)
        return page

    # Users ---------------------------------------------------------------------------------------

    def users(self) -> list[tuple[str, str, str]]:
        """Create the demo users, one per role; their random passwords are kept under var/."""
        groups = roles.ensure_roles()
        store = Path(settings.VAR_DIR) / "demo-credentials.json"
        saved = json.loads(store.read_text()) if store.exists() else {}
        credentials = []
        for email, role, group_name, is_superuser in DEMO_USERS:
            password = saved.get(email) or generate_password()
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User(
                    email=email,
                    is_superuser=is_superuser,
                    is_staff=is_superuser or group_name is not None,
                )
                user.set_password(password)
                user.save()
            elif email not in saved:
                user.set_password(password)
                user.save()
            if group_name:
                user.groups.add(
                    groups[group_name]
                    if group_name in groups
                    else Group.objects.get(name=group_name)
                )
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            saved[email] = password
            credentials.append((role, email, password))
        store.parent.mkdir(parents=True, exist_ok=True)
        store.write_text(json.dumps(saved, indent=2))
        store.chmod(0o600)
        return credentials

    def report(self, credentials) -> None:
        base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
        lines = [
            "",
            "The demo newsroom is ready.",
            "  Public site:  %s/en/  and  %s/fr/" % (base, base),
            "  Admin:        %s/admin/" % base,
            "  Demo log-ins (for this demo only; kept in var/demo-credentials.json):",
        ]
        width = max(len(role) for role, _email, _password in credentials)
        lines += [
            "    %s  %s  %s" % (role.ljust(width), email, password)
            for role, email, password in credentials
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
