import datetime

from django.core.management.base import BaseCommand, CommandError

from media_assets.reports import rollup


class Command(BaseCommand):
    help = (
        "Recompute the download reports' daily roll-up from the download log: every day "
        "(the default), the days from --since, or the last --days days. Safe to run at any "
        "time, and twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        parser.add_argument("--days", type=int)

    def handle(self, *args, since, days, **options):
        if since and days:
            raise CommandError("Give --since or --days, not both.")
        if days is not None:
            if days < 1:
                raise CommandError("--days must be at least 1.")
            written = rollup.rollup_recent(days)
            counted = days
        else:
            counted, written = rollup.rebuild(since=since)
        self.stdout.write(
            "Rolled up %d day(s) of downloads into %d row(s)." % (counted, written)
        )
