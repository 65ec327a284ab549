"""The over-time chart drawn in Chromium, in English and in French, with its data table."""

from __future__ import annotations

from django.conf import settings
from django.test import Client
from django.urls import reverse

from wagtail.users.models import UserProfile

import pytest

from tests.browser import keep_screenshot


# serialized_rollback: the live server needs committed data, and the flush after a transactional
# test would otherwise take the page tree's root made by migrations with it.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.mark.parametrize(
    ("language", "heading", "first_column"),
    [
        ("en", "Downloads over time", "Week starting"),
        ("fr", "Téléchargements dans le temps", "Semaine commençant le"),
    ],
)
def test_chart_is_drawn_with_its_table(
    browser, live_server, log, manager, tmp_path, language, heading, first_column
):
    # given: a manager whose admin speaks `language`, logged in through a session cookie
    profile = UserProfile.get_for_user(manager)
    profile.preferred_language = language
    profile.save()
    client = Client()
    client.force_login(manager)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    # when
    page.goto(
        live_server.url
        + reverse("media_assets_reports:over_time")
        + "?period_from=2026-11-01&period_to=2026-11-30&bucket=week"
    )
    page.wait_for_function(
        "() => { const c = document.querySelector('[data-download-chart-target=canvas]');"
        " return c && window.Chart && window.Chart.getChart(c); }"
    )

    # then: the chart holds the table's numbers, in the admin's language
    drawn = page.evaluate(
        "() => { const chart = window.Chart.getChart("
        "document.querySelector('[data-download-chart-target=canvas]'));"
        " return {labels: chart.data.labels, full: chart.data.datasets[0].data,"
        " locale: chart.options.locale}; }"
    )
    assert drawn["full"] == [0, 2, 1, 1, 0, 1]
    assert drawn["locale"] == language
    assert len(drawn["labels"]) == 6
    assert page.locator("h1").first.inner_text().strip().startswith(heading)
    assert page.locator("table.downloads-table thead th").first.inner_text() == (
        first_column
    )
    assert page.locator("table.downloads-table tbody tr").count() == 6
    assert errors == []
    keep_screenshot(page, "reports-over-time-%s" % language)
    context.close()
