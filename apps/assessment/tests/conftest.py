"""A city scheme for the last year (its third quarter has ended whatever today is): one
indicator (亿元以上新开工, efficacy) and the on-site review of both counties for Q3."""

import datetime
from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.assessment import services
from tests import factories as f

# Re-exported so that this package's browser test gets the `page` fixture of tests/e2e.
from tests.e2e.conftest import page, pytest_collection_modifyitems  # noqa: F401

YEAR = datetime.date.today().year - 1  # its third quarter has ended whatever today is


def started(region, day: int, amount: str = "20000"):
    return f.ProjectFactory(
        region=region, total_investment=D(amount), actual_start_date=datetime.date(YEAR, 8, day), stage="construction"
    )


@pytest.fixture
def scheme(world):
    admin = world.users[Role.CITY_ADMIN]
    scheme = services.scheme_create(actor=admin, region=world.city, year=YEAR, name=f"{YEAR}年重大项目季度考核")
    services.indicator_set(actor=admin, scheme=scheme, key="yi_new_starts", weight="100", method="efficacy")
    for county, review in ((world.county_a, "90"), (world.county_b, "70")):
        services.quarter_input_set(actor=admin, scheme=scheme, quarter=3, region=county, review_score=review)
    return scheme
