"""Log-in throttles as deployed: nginx + gunicorn (2 workers) + production settings.

Two clients on two addresses behind nginx are counted apart, in the shared Redis cache
(whichever worker answers), and a client-sent X-Forwarded-For changes nothing.
"""

import http.client
import re
import secrets
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.hashers import PBKDF2PasswordHasher

import pytest

from accounts.factories import VerifiedJournalistFactory
from accounts.models import User


# The flush after a transactional test empties the database: restore what migrations made
# (the root page and collection) for the tests that follow.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


PASSWORD = "Correct-Horse-42!"
TOO_MANY = "Too many attempts. Please wait a few minutes, then try again."
WRONG = "The email address and/or password you specified are not correct."


class Browser:
    """One client: its own loopback source address and cookie jar."""

    def __init__(self, base_url, address):
        self.url = urlsplit(base_url)
        self.address = address
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(
            self.url.hostname,
            self.url.port,
            timeout=60,
            source_address=(self.address, 0),
        )
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(
                "%s=%s" % item for item in self.cookies.items()
            )
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content

    def log_in(self, email, password, **headers):
        status, page = self.request("GET", "/en/accounts/login/")
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            "POST",
            "/en/accounts/login/",
            body=urlencode(
                {"csrfmiddlewaretoken": token, "login": email, "password": password}
            ),
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
        )


def loopback_address():
    """An address of 127.0.0.0/8 no earlier run used (the Redis counters outlive runs)."""
    return "127.%d.%d.%d" % tuple(1 + secrets.randbelow(254) for _n in range(3))


def form_errors(page):
    return re.findall(r"<li[^>]*>([^<]*(?:not correct|Too many)[^<]*)</li>", page)


def test_two_clients_behind_nginx_are_throttled_apart(nginx, gunicorn):
    # production's own hasher: the test settings' MD5 is not among production's
    ana = VerifiedJournalistFactory(email="ana@example.org")
    User.objects.filter(pk=ana.pk).update(
        password=PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt")
    )
    base_url = nginx(gunicorn(workers=2))
    attacker = Browser(base_url, loopback_address())
    journalist = Browser(base_url, loopback_address())

    # ten failures from one client, each claiming another address in X-Forwarded-For
    for attempt in range(10):
        status, page = attacker.log_in(
            "person%d@example.org" % attempt,
            "Wrong-Horse-42!",
            **{"X-Forwarded-For": "203.0.113.%d" % attempt},
        )
        assert (status, form_errors(page)) == (200, [WRONG])

    status, page = attacker.log_in(
        "ana@example.org", PASSWORD, **{"X-Forwarded-For": "192.0.2.77"}
    )
    assert (status, form_errors(page)) == (200, [TOO_MANY])

    # the other client, behind the same nginx, is not locked out
    status, _page = journalist.log_in("ana@example.org", PASSWORD)
    assert status == 302
    status, _page = journalist.request("GET", "/en/accounts/profile/")
    assert status == 200
