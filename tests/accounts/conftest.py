"""Fixtures for the account flows: a real SMTP server on loopback, clean throttles."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import threading
import time
from dataclasses import dataclass, field

from django.core.cache import cache

import pytest
from aiosmtpd.controller import Controller


CODE_RE = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


@dataclass
class ReceivedMail:
    envelope_from: str
    envelope_to: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        # Python folds a long encoded subject after "Subject:"; unfolding leaves a
        # leading space that mail clients do not show.
        return str(self.message["Subject"]).strip()

    @property
    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    @property
    def html(self) -> str | None:
        part = self.message.get_body(preferencelist=("html",))
        return part.get_content() if part is not None else None

    @property
    def code(self) -> str:
        match = CODE_RE.search(self.text)
        assert match, "no code in: %r" % self.text
        return match.group(1)


@dataclass
class _Handler:
    received: list[ReceivedMail] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
        with self.lock:
            self.received.append(
                ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), message)
            )
        return "250 Message accepted for delivery"


class SMTPServer:
    """An aiosmtpd server on 127.0.0.1; Django's SMTP backend sends to it."""

    def __init__(self, handler: _Handler, port: int) -> None:
        self.handler = handler
        self.port = port

    @property
    def mails(self) -> list[ReceivedMail]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[ReceivedMail]:
        return [mail for mail in self.mails if address in mail.envelope_to]

    def wait_for(
        self, address: str, count: int = 1, timeout: float = 10
    ) -> list[ReceivedMail]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            mails = self.to(address)
            if len(mails) >= count:
                return mails
            time.sleep(0.05)
        raise AssertionError(
            "expected %d mail(s) to %s, got %d"
            % (count, address, len(self.to(address)))
        )

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()


@pytest.fixture(autouse=True)
def _mail_tasks_inline():
    """Account mail goes through Celery (accounts.tasks); here it runs in the request."""
    from cms.celery import app as celery_app

    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = _Handler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield SMTPServer(handler, port)
    finally:
        controller.stop()


@pytest.fixture(autouse=True)
def _clean_throttles():
    """Allauth keeps rate-limit counters in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()
