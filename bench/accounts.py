"""Account flows: reset and sign-up timing for known and unknown addresses.

Run with `DATABASE_URL=... .venv/bin/python bench/accounts.py` (a throwaway test
database is created and dropped). Mail goes through a real aiosmtpd server on
loopback (or, with CELERY_BROKER_URL set, waits on a throw-away queue as in production).
Prints medians and p95 in milliseconds, and the known/unknown ratios the "no account
enumeration by timing" promise is judged by (target 0.8-1.25).
"""

from __future__ import annotations

import os
import socket
import statistics
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.test")

import django


django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

from aiosmtpd.controller import Controller  # noqa: E402


ROUNDS = 40
PASSWORD = "Correct-Horse-42!"  # noqa: S105 (a throwaway account in a throwaway database)


class _Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _time(function) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def _summary(name: str, samples: list[float]) -> float:
    median = statistics.median(samples)
    p95 = statistics.quantiles(samples, n=20)[-1]
    print(
        "%-44s median %7.2f ms   p95 %7.2f ms   (n=%d)"
        % (name, median, p95, len(samples))
    )
    return median


def _sign_up(client: Client, email: str):
    response = client.post(
        "/en/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.status_code
    return response


def _mail_queue() -> str | None:
    """Send account mail through Celery (accounts.tasks), as production does.

    With a broker: onto a throw-away Redis queue; otherwise inline, to the SMTP server.
    """
    from cms.celery import app

    if not settings.CELERY_BROKER_URL:
        app.conf.task_always_eager = True
        return None
    queue = "bench-accounts-mail-%d" % os.getpid()
    app.conf.task_always_eager = False
    app.conf.task_default_queue = queue
    return queue


def _purge(queue: str) -> int:
    from cms.celery import app

    with app.connection_for_write() as broker:
        return broker.default_channel.queue_purge(queue) or 0


def main() -> None:
    from accounts.models import User

    queue = _mail_queue()

    sink = _Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    mail = {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": port,
        # sign-up cost with the production hasher, not the test suite's MD5
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.PBKDF2PasswordHasher"],
    }
    try:
        with override_settings(**mail):
            User.objects.create_user(email="known@example.org", password=PASSWORD)
            known, unknown, signup, signup_existing = [], [], [], []
            for round_number in range(ROUNDS):
                cache.clear()  # the reset throttle allows one request a minute per address
                # alternate the order so neither side always runs warm
                pair = [
                    (known, "known@example.org"),
                    (unknown, "nobody%d@example.org" % round_number),
                ]
                for samples, email in pair if round_number % 2 else reversed(pair):
                    client = Client()
                    samples.append(
                        _time(
                            lambda client=client, email=email: client.post(
                                "/en/accounts/password/reset/", {"email": email}
                            )
                        )
                    )
                # sign-up: an address with an account, and a new one
                pair = [
                    (signup_existing, "known@example.org"),
                    (signup, "new%d@example.org" % round_number),
                ]
                for samples, email in pair if round_number % 2 else reversed(pair):
                    client = Client()
                    samples.append(
                        _time(
                            lambda client=client, email=email: _sign_up(client, email)
                        )
                    )
        print("database: %s" % connection.vendor)
        known_median = _summary("reset request, known address", known)
        unknown_median = _summary("reset request, unknown address", unknown)
        print("known / unknown median ratio: %.2f" % (known_median / unknown_median))
        new_median = _summary("sign-up, new address (PBKDF2 + mail)", signup)
        existing_median = _summary("sign-up, address with an account", signup_existing)
        ratio = existing_median / new_median
        print(
            "sign-up existing / new median ratio: %.2f (target 0.8-1.25: %s)"
            % (ratio, "OK" if 0.8 <= ratio <= 1.25 else "OUT")
        )
        if queue:
            print("mails queued for a worker (Redis): %d" % _purge(queue))
        else:
            print("mails received by the SMTP server: %d" % sink.count)
    finally:
        controller.stop()


if __name__ == "__main__":
    if connection.vendor != "sqlite":
        # A database of its own, so the bench never drops the test suite's.
        connection.settings_dict["TEST"]["NAME"] = "bench_accounts"
    setup_test_environment()
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        main()
    finally:
        teardown_databases(databases, verbosity=0)
