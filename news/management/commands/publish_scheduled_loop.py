import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

from media_assets.reports.rollup import rollup_recent
from media_assets.services import requeue_stuck_videos


logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Run Wagtail's publish_scheduled and the processing sweep every --interval "
        "seconds (and the download reports' roll-up every fifth time) until stopped. "
        "Development only (`make run` starts it); production runs it from Celery beat."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0)
        parser.add_argument(
            "--iterations",
            type=int,
            default=0,
            help="Stop after this many runs (0: never).",
        )

    def handle(self, *args, interval, iterations, **options):
        done = 0
        while True:
            try:
                call_command("publish_scheduled", verbosity=0)
            except Exception:
                # A database hiccup must not stop embargoes lifting for the rest of the session.
                logger.exception(
                    "Scheduled publishing failed; retrying in %s s", interval
                )
            try:
                # Videos whose processing was lost (a server stopped mid-way) start again.
                requeue_stuck_videos()
            except Exception:
                logger.exception(
                    "The processing sweep failed; retrying in %s s", interval
                )
            try:
                # The download reports' daily roll-up (beat does it every 5 minutes).
                if done % 5 == 0:
                    rollup_recent()
            except Exception:
                logger.exception("The download roll-up failed; retrying later")
            done += 1
            if iterations and done >= iterations:
                return
            time.sleep(interval)
