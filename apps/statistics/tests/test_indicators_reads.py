"""What indicators_compute fetches, and when: the figures in a fixed handful of queries, the
id lists and the not-started rows only when read. The small city of test_indicators (its
module docstring has the table); expected values are worked out by hand there and here."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.statistics.indicators import LazyRows

from .test_indicators import admin, compute, ids, town  # noqa: F401 - fixtures

SERIES = ("by_month", "by_county", "by_category", "by_investor_type")


def test_the_figures_take_eight_queries_and_no_id_list(town, admin):  # noqa: F811
    compute(admin, town.city)  # the statistics settings row exists from here on
    with CaptureQueriesContext(connection) as computing:
        r = compute(admin, town.city)
    with CaptureQueriesContext(connection) as reading_values:
        [indicator.value for indicator in r.indicators.values()]
        [(point.values, point.project_count) for name in SERIES for point in getattr(r, name)]
        len(r.not_started)
    # settings, the regions, the grouped statement, the candidates, the leaders, FAI, target, province list
    assert len(computing) == 8
    assert len(reading_values) == 0


def test_every_id_list_together_takes_four_queries(town, admin):  # noqa: F811
    r = compute(admin, town.city)
    with CaptureQueriesContext(connection) as reading_ids:
        everything = {key: indicator.project_ids for key, indicator in r.indicators.items()}
        for name in SERIES:
            for point in getattr(r, name):
                point.project_ids  # noqa: B018 - reading is the point
    # the key projects (shared by every key-project figure), completed_ytd, the candidates, not started
    assert len(reading_ids) == 4  # completed_ytd and unverified_reports share one
    assert everything["not_started_count"] == ids(town.k3)
    assert everything["statistics_candidates_count"] == ids(town.k2, town.n1)
    with CaptureQueriesContext(connection) as again:
        r["started_count"].project_ids  # noqa: B018
    assert len(again) == 0  # kept


def test_series_counts_are_known_without_the_ids(town, admin):  # noqa: F811
    r = compute(admin, town.city)
    with CaptureQueriesContext(connection) as counting:
        counts = {point.key: point.project_count for point in r.by_county}
        industry = next(point for point in r.by_category if point.key == "industry").project_count
    assert len(counting) == 0
    assert counts == {"610302": 2, "610303": 2}  # 甲区 K1, K2; 乙县 K3, K4
    assert industry == 2  # K2, K4
    assert [point.project_count for point in r.by_month] == [0] * 6  # months link to completed_ytd instead


def test_not_started_rows_are_fetched_when_read_and_a_head_alone_when_sliced(town, admin):  # noqa: F811
    r = compute(admin, town.city, month=12)
    # Planned to start by 2026-12-31 and not started: K3 (2026-05-01), K4 (2026-09-01).
    assert isinstance(r.not_started, LazyRows) and len(r.not_started) == 2
    with CaptureQueriesContext(connection) as head:
        first = r.not_started[:1]
    assert len(head) == 1 and "LIMIT 1" in head[0]["sql"]
    assert [row["name"] for row in first] == ["乙县医院"]
    assert [(row["name"], row["planned_start_date"]) for row in r.not_started] == [
        ("乙县医院", datetime.date(2026, 5, 1)),
        ("乙县物流园", datetime.date(2026, 9, 1)),
    ]
    with CaptureQueriesContext(connection) as again:
        assert r.not_started[1]["name"] == "乙县物流园"
        assert r.not_started[:1] == first
    assert len(again) == 0  # all rows kept after the first full read


@pytest.mark.parametrize(
    ("month", "expected", "with_reports"),
    [
        (1, "0.20", ("k1", "k4")),  # K1 1000 + K4's new 1000 = 2000 万元
        (6, "0.68", ("k1", "k2", "k3", "k4")),  # 5800 of the module docstring + K4's 1000 = 6800 万元
        (7, "1.68", ("k1", "k2", "k3", "k4")),  # + K1's July 9999 = 16799 万元
    ],
)
def test_completed_ytd_follows_a_report_saved_after_a_first_call(town, admin, month, expected, with_reports):  # noqa: F811
    from apps.reporting.models import MonthlyReport

    compute(admin, town.city, month=month)
    MonthlyReport.objects.create(project=town.k4, year=2026, month=1, completed_investment=1000, status="verified")
    r = compute(admin, town.city, month=month)
    assert str(r["completed_ytd"].value) == expected
    assert r["completed_ytd"].project_ids == ids(*(getattr(town, name) for name in with_reports))
