"""What each role may do with the three projects of the `world` fixture (see conftest).

Written out by hand from the fixture's layout, not computed from the scoping code, so
the UI and API permission matrices test that code rather than repeat it.
"""

from apps.accounts.models import Role

PROJECTS = ("p_a", "p_b", "p_c")

SEES = {
    Role.CITY_ADMIN: {"p_a", "p_b", "p_c"},
    Role.CITY_LEADER: {"p_a", "p_b", "p_c"},
    Role.COUNTY_USER: {"p_a"},
    Role.DEPARTMENT_USER: {"p_a", "p_b"},
    Role.OWNER_REPORTER: {"p_a"},
    Role.AUDITOR: {"p_a", "p_b", "p_c"},
    # 三员分立: the administrators administer; no business data at all.
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}

CHANGES = {
    Role.CITY_ADMIN: {"p_a", "p_b", "p_c"},
    Role.CITY_LEADER: set(),
    Role.COUNTY_USER: {"p_a"},
    Role.DEPARTMENT_USER: set(),
    Role.OWNER_REPORTER: {"p_a"},
    Role.AUDITOR: set(),
    Role.SYSTEM_ADMIN: set(),
    Role.SECURITY_ADMIN: set(),
    Role.AUDIT_ADMIN: set(),
}
