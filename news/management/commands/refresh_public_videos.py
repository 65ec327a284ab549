from django.core.management.base import BaseCommand

from news.publicity import refresh_public_videos


class Command(BaseCommand):
    help = "Recompute Video.public_since from the live, public releases (idempotent)."

    def handle(self, *args, **options):
        withdrawn, published = refresh_public_videos()
        self.stdout.write(
            "%d video(s) withdrawn, %d made public." % (withdrawn, published)
        )
