from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from accounts.factories import UserFactory
from news.roles import ALL_GROUPS


@pytest.fixture
def editorial(site_tree):
    """The site tree, the press office groups and the "Release review" workflow.

    (Committed once with the test database: tests/conftest.py's django_db_setup.)
    """
    from django.contrib.auth.models import Group

    site_tree.groups = {
        group.name: group for group in Group.objects.filter(name__in=ALL_GROUPS)
    }
    return site_tree


def member(group_name: str, **kwargs):
    """A staff member of one press office group (no superuser powers)."""
    from django.contrib.auth.models import Group

    user = UserFactory(**kwargs)
    user.groups.add(Group.objects.get(name=group_name))
    return user


@dataclass
class Mailbox:
    """What a real SMTP server on loopback received."""

    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        with self.lock:
            return [
                message
                for recipients, message in self.messages
                if address in recipients
            ]


@pytest.fixture
def smtp_server(settings):
    """A real aiosmtpd SMTP server on loopback; Django sends to it over SMTP."""
    mailbox = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    yield mailbox
    controller.stop()


def body_text(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()
