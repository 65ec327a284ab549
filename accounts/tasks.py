"""Account mail leaves through the queue: a request only renders and enqueues it.

Sign-up, reset and verification then take the same time whether the address has an account
or not (no SMTP round trip inside the request), and a slow mail server slows no page.
"""

from __future__ import annotations

import smtplib

from django.core.mail import EmailMultiAlternatives

from celery import shared_task


def message_payload(message) -> dict:
    """The plain values of a rendered EmailMessage, for the task's JSON payload."""
    return {
        "subject": message.subject,
        "body": message.body,
        "from_email": message.from_email,
        "to": list(message.to),
        "headers": dict(message.extra_headers),
        "content_subtype": message.content_subtype,
        "alternatives": [
            [content, mimetype]
            for content, mimetype in getattr(message, "alternatives", [])
        ],
    }


@shared_task(
    autoretry_for=(OSError, smtplib.SMTPException),
    retry_backoff=True,
    max_retries=8,
)
def send_mail_task(
    *,
    subject: str,
    body: str,
    from_email: str,
    to: list[str],
    headers: dict[str, str],
    content_subtype: str,
    alternatives: list[list[str]],
) -> None:
    message = EmailMultiAlternatives(subject, body, from_email, to, headers=headers)
    message.content_subtype = content_subtype
    for content, mimetype in alternatives:
        message.attach_alternative(content, mimetype)
    message.send()
