"""No N+1: the list, the API list, the figures and the export read a fixed number of queries
whatever the number of leads."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import Role
from apps.attraction.models import LeadStage

from .factories import lead_with_history

D = datetime.date
S = LeadStage


def add_leads(world, bureau, n):
    for i in range(n):
        lead_with_history(
            events={
                S.LEAD: D(2026, 6, 1),
                S.ASSESSING: D(2026, 6, 2),
                S.NEGOTIATING: D(2026, 6, 5),
                S.SIGNED: D(2026, 7, 1),
            },
            contract=(10000 + i, D(2026, 7, 1)),
            funds=[(D(2026, 8, 1), 100)],
            region=world.county_a,
            attraction_unit=bureau,
        )


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/attraction/",
        "/api/v1/investment-leads",
        "/attraction/figures/",
        "/attraction/export.xlsx",
        "/api/v1/investment-leads/figures",
    ],
)
def test_queries_do_not_grow_with_the_leads(client, world, bureau, url):
    client.force_login(world.users[Role.CITY_ADMIN])
    add_leads(world, bureau, 2)
    few = count(client, url)
    add_leads(world, bureau, 8)
    assert count(client, url) == few
