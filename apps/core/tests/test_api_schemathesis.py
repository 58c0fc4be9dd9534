"""A bounded, seeded schemathesis run over the whole API (examples and coverage phases, no
open-ended fuzzing): no operation may answer 5xx, and every documented answer must match
its schema. Runs in the test suite: about 2 minutes of CPU (SQLite); it prints the number of
operations, cases and 5xx answers at the end."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis import checks
from schemathesis.config import SchemathesisConfig

from apps.accounts.models import APIToken, Role
from keyprojects.api import api

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20261201,
        "phases": {
            "examples": {"enabled": True},
            # Unexpected methods: the ones that change data (ninja answers 405); GET/OPTIONS/
            # TRACE/QUERY on every path add cases, not findings, and the run must stay short.
            "coverage": {"enabled": True, "unexpected-methods": ["put", "patch", "delete"]},
            "fuzzing": {"enabled": False},
            "stateful": {"enabled": False},
        },
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = get_wsgi_application()
CASES = {"count": 0, "5xx": 0, "operations": set()}


@pytest.fixture(autouse=True)
def _test_connection_kept():
    """The WSGI app is called directly, not through Django's test client, so Django would close
    the database connection at each request's start and end; inside the test's transaction that
    ends the test's own connection (on PostgreSQL every later query fails). Django's test client
    disconnects the same handler for the same reason."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(world):
    _token, raw = APIToken.issue(user=world.users[Role.CITY_ADMIN], name="schemathesis")
    return raw


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_api_answers_without_server_errors_and_within_its_schema(case, token):
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    CASES["count"] += 1
    CASES["operations"].add(case.operation.label)
    if response.status_code >= 500:
        CASES["5xx"] += 1
    case.validate_response(response, checks=[checks.not_a_server_error, checks.response_schema_conformance])


@pytest.fixture(autouse=True, scope="module")
def _summary(request):
    yield
    # The figures the README and the closing note quote, shown without `-s` too; with
    # KP_SCHEMATHESIS_SUMMARY=<file> also written there as JSON. Spread over processes
    # (pytest-xdist), each process says its own share and writes <file>.<process>.
    import json
    import os

    process = os.environ.get("PYTEST_XDIST_WORKER")
    summary = {"operations": len(CASES["operations"]), "cases": CASES["count"], "5xx": CASES["5xx"]}
    line = f"schemathesis: {summary['operations']} operations, {summary['cases']} cases, {summary['5xx']} answered 5xx"
    if process:
        line += f" (process {process}'s share)"
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(f"\n{line}")
    if os.environ.get("KP_SCHEMATHESIS_SUMMARY"):
        path = os.environ["KP_SCHEMATHESIS_SUMMARY"] + (f".{process}" if process else "")
        with open(path, "w", encoding="utf-8") as out:
            json.dump(summary, out)
