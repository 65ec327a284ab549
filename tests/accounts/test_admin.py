from __future__ import annotations

import pytest

from accounts.factories import UserFactory, VerifiedJournalistFactory
from accounts.services import subscribe_to_newsletter, withdraw_newsletter_consent


pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_press_office_lists_consents(admin_client, django_assert_max_num_queries):
    people = [
        VerifiedJournalistFactory(email="j%d@example.org" % number)
        for number in range(5)
    ]
    for user in people:
        subscribe_to_newsletter(user=user, via="welcome", language="fr")
    withdraw_newsletter_consent(user=user, via="email_link")
    admin_client.get("/admin/newsletter_consents/")

    # the listing does not grow with the rows (the user is joined, not fetched per row)
    with django_assert_max_num_queries(25) as captured:
        response = admin_client.get("/admin/newsletter_consents/")
    five_rows = len(captured.captured_queries)
    for number in range(5, 15):
        subscribe_to_newsletter(
            user=VerifiedJournalistFactory(email="j%d@example.org" % number),
            via="account",
            language="en",
        )
    with django_assert_max_num_queries(five_rows):
        admin_client.get("/admin/newsletter_consents/")

    content = response.content.decode()
    assert response.status_code == 200
    assert [str(user) in content for user in people] == [True] * 5
    assert "Add newsletter consent" not in content


def test_consents_cannot_be_edited_or_deleted_in_the_admin(admin_client):
    consent = subscribe_to_newsletter(
        user=VerifiedJournalistFactory(), via="welcome", language="en"
    )

    edit = admin_client.get("/admin/newsletter_consents/edit/%d/" % consent.pk)
    delete = admin_client.post("/admin/newsletter_consents/delete/%d/" % consent.pk)
    add = admin_client.get("/admin/newsletter_consents/add/")
    inspect = admin_client.get("/admin/newsletter_consents/inspect/%d/" % consent.pk)

    assert (edit.status_code, delete.status_code, add.status_code) == (302, 302, 302)
    assert inspect.status_code == 200
    consent.refresh_from_db()
    assert consent.withdrawn_at is None
