"""Sign-up does the same work for an address with an account and a new one.

(The timing itself is measured by bench/accounts.py: a test on a shared machine cannot
time 250 ms differences reliably, but it can count the work that makes them.)
"""

from __future__ import annotations

import json
import uuid

from django.contrib.auth.hashers import MD5PasswordHasher
from django.test import Client

import pytest

from accounts.factories import VerifiedJournalistFactory
from cms.celery import app as celery_app


pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42!"


class CountingHasher(MD5PasswordHasher):
    """The test suite's hasher, counting the passwords it hashes."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        CountingHasher.hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = ["tests.accounts.test_signup_work.CountingHasher"]
    CountingHasher.hashed = 0
    return CountingHasher


def sign_up(email):
    return Client().post(
        "/en/accounts/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_hashes_and_mails_once_for_new_and_existing_addresses(
    counting_hasher, smtp_server
):
    VerifiedJournalistFactory(email="ana@example.org")
    counting_hasher.hashed = 0

    new = sign_up("new@example.org")
    hashed_for_new = counting_hasher.hashed
    existing = sign_up("ana@example.org")
    hashed_for_existing = counting_hasher.hashed - hashed_for_new

    assert (new.status_code, new["Location"]) == (302, "/en/accounts/confirm-email/")
    assert (existing.status_code, existing["Location"]) == (
        302,
        "/en/accounts/confirm-email/",
    )
    assert (hashed_for_new, hashed_for_existing) == (1, 1)
    [to_new] = smtp_server.wait_for("new@example.org")
    [to_existing] = smtp_server.wait_for("ana@example.org")
    assert to_new.subject == "Your verification code for the newsroom"
    assert to_existing.subject != to_new.subject  # "you already have an account"


@pytest.mark.parametrize("email", ["new@example.org", "ana@example.org"])
def test_sign_up_mail_goes_through_the_queue(email, smtp_server, settings):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("needs Redis: set CELERY_BROKER_URL")
    VerifiedJournalistFactory(email="ana@example.org")
    queue = "test-mail-%s" % uuid.uuid4().hex[:10]
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        response = sign_up(email)
        with celery_app.connection_for_write() as connection:
            client = connection.default_channel.client
            queued = [json.loads(message) for message in client.lrange(queue, 0, -1)]
            client.delete(queue)
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = previous

    # the request sent nothing itself: one rendered mail waits for a worker
    assert response.status_code == 302
    assert smtp_server.mails == []
    assert [message["headers"]["task"] for message in queued] == [
        "accounts.tasks.send_mail_task"
    ]
