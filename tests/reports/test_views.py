"""The download reports in the admin: counts on the page and in every export, escaping, XLSX."""

from __future__ import annotations

import csv
import datetime
import io
import re

from django.test import Client
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from media_assets.factories import DownloadFactory, VideoFactory
from media_assets.reports import rollup


pytestmark = pytest.mark.django_db

NOVEMBER = {"period_from": "2026-11-01", "period_to": "2026-11-30"}
REPORTS = ["over_time", "per_video", "per_release", "per_organisation", "log"]


def url(name: str, **query) -> str:
    from django.utils.http import urlencode

    return reverse("media_assets_reports:%s" % name) + "?" + urlencode(query)


@pytest.fixture
def manager_client(manager) -> Client:
    client = Client()
    client.force_login(manager)
    return client


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv"
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(response) -> list[tuple]:
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_over_time_page_table_and_chart_data(log, manager_client):
    response = manager_client.get(url("over_time", bucket="week", **NOVEMBER))
    assert response.status_code == 200
    html = response.content.decode()
    assert "7 downloads (5 full masters, 2 parts); 1 in the previous period" in html
    assert "Change: 600 %." in html
    assert response.context["chart"]["datasets"][0]["data"] == [0, 2, 1, 1, 0, 1]
    assert response.context["chart"]["datasets"][1]["data"] == [0, 1, 0, 1, 0, 0]
    assert 'id="download-chart-data"' in html
    assert 'data-controller="download-chart"' in html
    assert "media_assets/vendor/chartjs/chart.umd.min.js" in html
    # No inline script of ours (Wagtail's date picker brings its own).
    inline = re.findall(r"<script>(.*?)</script>", html, flags=re.S)
    assert [code for code in inline if "hart" in code] == []


def test_over_time_exports(log, manager_client):
    rows = csv_rows(
        manager_client.get(url("over_time", export="csv", bucket="month", **NOVEMBER))
    )
    assert rows == [
        [
            "Period starting",
            "Downloads",
            "Full masters",
            "Parts",
            "Previous period starting",
            "Downloads in the previous period",
        ],
        ["2026-11-01", "7", "5", "2", "2026-10-01", "1"],
    ]
    sheet = xlsx_rows(
        manager_client.get(url("over_time", export="xlsx", bucket="month", **NOVEMBER))
    )
    assert sheet[1][1:4] == (7, 5, 2)
    assert sheet[1][0] == datetime.date(2026, 11, 1)


def test_video_history_is_the_over_time_report_of_one_video(log, manager_client):
    response = manager_client.get(
        url("over_time", video=str(log.summit.translation_key), **NOVEMBER)
    )
    html = response.content.decode()
    assert "Video: Summit arrivals" in html
    assert "4 downloads (3 full masters, 1 parts)" in html


def test_per_video_page_and_exports(log, manager_client):
    response = manager_client.get(url("per_video", **NOVEMBER))
    assert response.status_code == 200
    rows = response.context["object_list"]
    assert [(r["title"], r["downloads"], r["language_counts"]) for r in rows] == [
        ("Summit arrivals", 4, [2, 2]),
        ("Press briefing", 3, [2, 1]),
    ]
    html = response.content.decode()
    assert (
        reverse("wagtailsnippets_media_assets_video:edit", args=[log.summit.pk]) in html
    )
    assert "video=%s" % log.summit.translation_key in html

    exported = csv_rows(manager_client.get(url("per_video", export="csv", **NOVEMBER)))
    assert exported == [
        [
            "Video",
            "Downloads",
            "Full masters",
            "Parts",
            "English",
            "French",
            "Organisations",
            "Accounts",
            "Last download",
            "Video key",
        ],
        [
            "Summit arrivals",
            "4",
            "3",
            "1",
            "2",
            "2",
            "2",
            "3",
            "2026-11-17 08:00:00",
            str(log.summit.translation_key),
        ],
        [
            "Press briefing",
            "3",
            "2",
            "1",
            "2",
            "1",
            "1",
            "3",
            "2026-11-30 23:59:00",
            str(log.briefing.translation_key),
        ],
    ]
    sheet = xlsx_rows(manager_client.get(url("per_video", export="xlsx", **NOVEMBER)))
    assert sheet[0][0] == "Video"
    assert sheet[1][:8] == ("Summit arrivals", 4, 3, 1, 2, 2, 2, 3)
    # The admin's time zone, not UTC.
    assert sheet[1][8] == datetime.datetime(2026, 11, 17, 8, 0)  # noqa: DTZ001


def test_per_release_page_and_export(log, manager_client):
    exported = csv_rows(
        manager_client.get(url("per_release", export="csv", **NOVEMBER))
    )
    assert [row[:4] + row[6:10] for row in exported[1:]] == [
        ["Summit opens", "4", "3", "1", "1", "2", "3", "2026-11-17 08:00:00"],
        [
            "Spokesperson's briefing",
            "2",
            "1",
            "1",
            "1",
            "1",
            "2",
            "2026-11-30 23:59:00",
        ],
        ["Outside a release", "1", "1", "0", "1", "1", "1", "2026-11-10 12:00:00"],
    ]
    html = manager_client.get(url("per_release", **NOVEMBER)).content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[log.summit_release.pk]) in html


def test_per_organisation_page_and_export(log, manager_client):
    exported = csv_rows(
        manager_client.get(url("per_organisation", export="csv", **NOVEMBER))
    )
    assert exported == [
        [
            "Organisation",
            "Downloads",
            "Full masters",
            "Parts",
            "Accounts",
            "Videos",
            "Top videos",
            "Last download",
        ],
        [
            "Agence France-Presse",
            "3",
            "2",
            "1",
            "2",
            "1",
            "Summit arrivals (3)",
            "2026-11-03 23:30:00",
        ],
        [
            "Reuters",
            "3",
            "2",
            "1",
            "2",
            "2",
            "Press briefing (2), Summit arrivals (1)",
            "2026-11-17 18:00:00",
        ],
        [
            "No organisation given",
            "1",
            "1",
            "0",
            "1",
            "1",
            "Point de presse (1)",
            "2026-11-30 23:59:00",
        ],
    ]
    html = manager_client.get(url("per_organisation", **NOVEMBER)).content.decode()
    assert "organisation=agence+france-presse" in html


def test_log_page_filters_and_export(log, manager_client):
    response = manager_client.get(
        url("log", organisation="AGENCE France-Presse ", **NOVEMBER)
    )
    assert [d.pk for d in response.context["object_list"]] == [
        log.rows[3].pk,
        log.rows[2].pk,
        log.rows[1].pk,
    ]
    exported = csv_rows(
        manager_client.get(url("log", export="csv", kind="part", **NOVEMBER))
    )
    assert exported[0][:4] == ["Downloaded at", "Video", "Language", "Kind"]
    assert [row[:10] for row in exported[1:]] == [
        [
            "2026-11-17 18:00:00",
            "Press briefing",
            "en",
            "part",
            "25",
            "100",
            "Spokesperson's briefing",
            "carol@reuters.example",
            "Reuters",
            "active",
        ],
        [
            "2026-11-03 09:00:00",
            "Arrivées au sommet",
            "fr",
            "part",
            "25",
            "100",
            "Summit opens",
            "alice@afp.example",
            "Agence France-Presse",
            "active",
        ],
    ]
    deleted = csv_rows(
        manager_client.get(
            url(
                "log",
                export="csv",
                account="deleted-account-901@example.invalid",
                **NOVEMBER,
            )
        )
    )
    assert [(row[7], row[9], row[10]) for row in deleted[1:]] == [
        ("deleted-account-901@example.invalid", "deleted", "2"),
        ("deleted-account-901@example.invalid", "deleted", "1"),
    ]


@pytest.mark.parametrize(
    ("typed", "exported_case"),
    [
        ('=HYPERLINK("http://evil.example")', '\'=HYPERLINK("http://evil.example")'),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        ("Plain = fine", "Plain = fine"),
    ],
)
def test_csv_cells_that_would_run_as_formulas_are_escaped(
    site_tree, manager_client, typed, exported_case
):
    # given
    DownloadFactory(
        organisation=typed,
        video=VideoFactory(title=typed),
        created_at=datetime.datetime(2026, 11, 5, 12, tzinfo=datetime.UTC),
    )
    rollup.rebuild()

    # then: in the log and in the grouped reports
    log_rows = csv_rows(manager_client.get(url("log", export="csv", **NOVEMBER)))
    assert (log_rows[1][1], log_rows[1][8]) == (exported_case, exported_case)
    video_rows = csv_rows(
        manager_client.get(url("per_video", export="csv", **NOVEMBER))
    )
    assert video_rows[1][0] == exported_case
    organisation_rows = csv_rows(
        manager_client.get(url("per_organisation", export="csv", **NOVEMBER))
    )
    assert organisation_rows[1][0] == exported_case


def test_xlsx_keeps_formula_text_as_text(site_tree, manager_client):
    DownloadFactory(
        organisation="=1+1",
        created_at=datetime.datetime(2026, 11, 5, 12, tzinfo=datetime.UTC),
    )
    sheet = xlsx_rows(manager_client.get(url("log", export="xlsx", **NOVEMBER)))
    assert sheet[1][8] == "=1+1"
    body = b"".join(
        manager_client.get(url("log", export="xlsx", **NOVEMBER)).streaming_content
    )
    workbook = load_workbook(io.BytesIO(body))
    assert workbook.active.cell(row=2, column=9).data_type == "s"


def test_xlsx_is_capped_with_a_note(site_tree, manager_client, settings):
    settings.NEWSROOM_REPORTS_XLSX_MAX_ROWS = 2
    for day in (1, 2, 3):
        DownloadFactory(
            created_at=datetime.datetime(2026, 11, day, 12, tzinfo=datetime.UTC)
        )
    sheet = xlsx_rows(manager_client.get(url("log", export="xlsx", **NOVEMBER)))
    assert len(sheet) == 4
    assert (
        sheet[3][0]
        == "Only the first 2 rows are in this file. Download the CSV file for all rows."
    )
    assert len(csv_rows(manager_client.get(url("log", export="csv", **NOVEMBER)))) == 4


@pytest.mark.parametrize("name", REPORTS)
def test_bad_filters_get_a_message_not_an_error(site_tree, manager_client, name):
    response = manager_client.get(
        url(name, period_from="2026-11-30", period_to="2026-11-01", video="not-a-key")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The start date must be on or before the end date." in html


def test_the_default_period_is_the_last_90_days(site_tree, manager_client):
    from django.utils import timezone

    DownloadFactory(created_at=timezone.now() - datetime.timedelta(days=1))
    DownloadFactory(created_at=timezone.now() - datetime.timedelta(days=100))
    rollup.rebuild()
    response = manager_client.get(reverse("media_assets_reports:over_time"))
    assert response.context["report"].downloads == 1
    assert response.context["report"].previous_downloads == 1
    assert len(response.context["report"].buckets) == 90
