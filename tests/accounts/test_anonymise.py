from __future__ import annotations

from io import StringIO

from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command

import pytest
from allauth.account.models import EmailAddress

from accounts.factories import UserFactory, VerifiedJournalistFactory
from accounts.models import User


pytestmark = pytest.mark.django_db


def test_anonymise_rewrites_journalists_and_keeps_staff(client):
    journalist = VerifiedJournalistFactory(email="ana@example.org", organisation="AFP")
    editor = UserFactory(email="editor@example.org", is_staff=True)
    client.force_login(journalist)
    out = StringIO()

    call_command("anonymise_accounts", "--yes-this-is-a-copy", stdout=out)

    journalist.refresh_from_db()
    placeholder = "journalist-%d@example.invalid" % journalist.pk
    assert out.getvalue() == "Anonymised 1 journalist account(s).\n"
    assert (journalist.email, journalist.first_name, journalist.last_name) == (
        placeholder,
        "",
        "",
    )
    assert journalist.organisation == "AFP"
    assert journalist.has_usable_password() is False
    assert EmailAddress.objects.get(user=journalist).email == placeholder
    assert User.objects.get(pk=editor.pk).email == "editor@example.org"
    assert Session.objects.count() == 0


def test_anonymise_refuses_without_confirmation():
    VerifiedJournalistFactory(email="ana@example.org")

    with pytest.raises(CommandError, match="--yes-this-is-a-copy"):
        call_command("anonymise_accounts")

    assert User.objects.get().email == "ana@example.org"
