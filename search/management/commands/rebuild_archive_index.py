"""Rebuild the archive index from the domain models, batch by batch, while search stays up."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from search.documents import rebuild
from search.engines import get_engine


class Progress:
    """A text progress bar: redrawn in place on a terminal, a line every 10% elsewhere."""

    width = 30

    def __init__(self, stdout):
        self.stdout = stdout
        self.total = 0
        self.done = 0
        self.shown = -1
        self.tty = stdout.isatty()

    def start(self, total: int) -> None:
        self.total = total
        self.draw()

    def advance(self, count: int) -> None:
        self.done += count
        self.draw()

    def draw(self) -> None:
        share = self.done / self.total if self.total else 1.0
        percent = int(share * 100)
        if not self.tty and (percent // 10 == self.shown // 10 and self.done):
            return
        self.shown = percent
        filled = int(share * self.width)
        bar = "[%s%s] %3d%% %d/%d items" % (
            "#" * filled,
            "." * (self.width - filled),
            percent,
            self.done,
            self.total,
        )
        self.stdout.write(
            ("\r" + bar) if self.tty else bar, ending="" if self.tty else "\n"
        )

    def finish(self) -> None:
        if self.tty:
            self.stdout.write("")


class Command(BaseCommand):
    help = "Rebuild the archive search index (releases, videos, shots) without taking search down."

    def handle(self, *args, **options):
        started = time.monotonic()
        written = rebuild(progress=Progress(self.stdout))
        get_engine().rebuild()
        elapsed = time.monotonic() - started
        self.stdout.write(
            "Indexed %d documents in %.1f s (%.0f documents/s)."
            % (written, elapsed, written / elapsed if elapsed else 0)
        )
