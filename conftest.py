"""Shared fixtures: a small city with two counties and one user per role."""

import pytest
from django.core.cache import cache

from apps.accounts.models import Role
from tests import factories as f

# A run fails if a collected test never reported a result (tests/every_test_ran.py).
pytest_plugins = ["tests.every_test_ran"]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The default PBKDF2 costs ~100 ms a user; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _security_for_tests(settings):
    # Tests log in over plain HTTP with one factor; tests of the second factor, HTTPS and
    # the lockout turn them on themselves (apps/accounts/tests).
    settings.KP_REQUIRE_2FA = False
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0


@pytest.fixture(autouse=True)
def _imports_inline(settings):
    # Previews and commits run in the request under test; the thread only adds timing.
    settings.IMPORTS_RUN_INLINE = True


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached figures are keyed by the newest change record; tests that roll back can repeat ids.
    cache.clear()


@pytest.fixture
def world(db):
    """Two counties, each with projects; one user per role anchored in the first county."""
    city = f.city()
    county_a = f.county(city, 2, "甲区")
    county_b = f.county(city, 3, "乙县")
    dept = f.DepartmentFactory(name="市交通运输局", region=city)
    other_dept = f.DepartmentFactory(name="市水利局", region=city)
    owner = f.OrganisationFactory(name="甲区城投公司", region=county_a)
    other_owner = f.OrganisationFactory(name="乙县建设公司", region=county_b)
    leader = f.PersonFactory(name="王副市长", region=city)

    class W:
        pass

    w = W()
    w.city, w.county_a, w.county_b = city, county_a, county_b
    w.dept, w.other_dept, w.owner, w.other_owner, w.leader = dept, other_dept, owner, other_owner, leader
    # p_a: county A, owner, led by leader and dept. p_b: county B, other owner, dept as partner only.
    # p_c: county B, nobody of ours involved.
    w.p_a = f.ProjectFactory(
        name="甲区快速路", region=county_a, owner_unit=owner, lead_official=leader, lead_department=dept
    )
    w.p_b = f.ProjectFactory(name="乙县水厂", region=county_b, owner_unit=other_owner, partner_units=[dept])
    w.p_c = f.ProjectFactory(name="乙县学校", region=county_b, owner_unit=other_owner, lead_department=other_dept)
    w.users = {
        Role.CITY_ADMIN: f.UserFactory(username="admin", role=Role.CITY_ADMIN, region=city),
        Role.CITY_LEADER: f.UserFactory(username="leader", role=Role.CITY_LEADER, region=city, person=leader),
        Role.COUNTY_USER: f.UserFactory(username="county", role=Role.COUNTY_USER, region=county_a),
        Role.DEPARTMENT_USER: f.UserFactory(username="dept", role=Role.DEPARTMENT_USER, organisation=dept),
        Role.OWNER_REPORTER: f.UserFactory(username="owner", role=Role.OWNER_REPORTER, organisation=owner),
        Role.AUDITOR: f.UserFactory(username="auditor", role=Role.AUDITOR),
        # 三员: administrators with no business scope.
        Role.SYSTEM_ADMIN: f.UserFactory(username="sysadmin", role=Role.SYSTEM_ADMIN),
        Role.SECURITY_ADMIN: f.UserFactory(username="secadmin", role=Role.SECURITY_ADMIN),
        Role.AUDIT_ADMIN: f.UserFactory(username="auditadmin", role=Role.AUDIT_ADMIN),
    }
    return w
