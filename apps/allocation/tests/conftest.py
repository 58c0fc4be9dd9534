import datetime
from decimal import Decimal as D

import pytest

from apps.accounts.models import Role
from apps.assessment import services as assessment
from tests import factories as f

YEAR = datetime.date.today().year - 1


@pytest.fixture
def run(world):
    """A published Q3: A has two 1亿元 starts in August, B none → A 99.00 (1st), B 75.00 (2nd)."""
    admin = world.users[Role.CITY_ADMIN]
    scheme = assessment.scheme_create(actor=admin, region=world.city, year=YEAR, name="考核")
    assessment.indicator_set(actor=admin, scheme=scheme, key="yi_new_starts", weight="100", method="efficacy")
    for county in (world.county_a, world.county_b):
        assessment.quarter_input_set(actor=admin, scheme=scheme, quarter=3, region=county, review_score="90")
    for day in (1, 2):
        f.ProjectFactory(
            region=world.county_a, total_investment=D(20000), actual_start_date=datetime.date(YEAR, 8, day)
        )
    return assessment.run_publish(actor=admin, run=assessment.run_compute(actor=admin, scheme=scheme, quarter=3))
