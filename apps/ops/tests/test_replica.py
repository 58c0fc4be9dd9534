"""The read-replica router: dashboard and indicator reads go to DATABASE_REPLICA_URL's
database when one is configured, every write and every other read to the primary. Tested
against a second PostgreSQL database standing in for the replica (a copy that then lags)."""

import importlib.util
from pathlib import Path

import pytest
from django.db import connection, connections, transaction

from apps.accounts.models import Role
from apps.ops import routers
from apps.projects.models import AnnualPlan, Project
from tests import factories as f
from tests.processes import database_url

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "pg_backup.py"


def test_without_a_replica_everything_reads_the_primary():
    with routers.replica_reads():
        assert routers.ReplicaRouter().db_for_read(Project) is None
    assert routers.ReplicaRouter().db_for_write(Project) == "default"
    assert routers.ReplicaRouter().allow_migrate("replica", "projects") is False


@pytest.fixture
def replica(transactional_db, monkeypatch, tmp_path):
    """A copy of the test database taken when called, attached as the `replica` alias."""
    if connection.vendor != "postgresql":
        pytest.skip("the stand-in replica is a second PostgreSQL database")
    spec = importlib.util.spec_from_file_location("pg_backup", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    url = database_url()
    name = f"{connection.settings_dict['NAME']}_replica"
    admin = script.with_db(url, "postgres")

    def attach():
        script.psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        dump = tmp_path / "primary.dump"
        script.dump(url, dump)
        script.restore(dump, script.with_db(url, name))
        # What settings.py does with DATABASE_REPLICA_URL, done by hand: the connection
        # handler read the settings before this test.
        replica_settings = {**connections.settings["default"], "NAME": name}
        connections[routers.REPLICA] = type(connections["default"])(replica_settings, routers.REPLICA)
        monkeypatch.setattr(routers, "replica_configured", lambda: True)
        attached.append(True)

    attached = []
    yield attach
    if attached:
        connections[routers.REPLICA].close()
        del connections[routers.REPLICA]
    script.psql(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_indicator_reads_go_to_the_replica_and_writes_to_the_primary(client, world, replica):
    f.AnnualPlanFactory(project=world.p_a, year=2026, planned_investment=1000)
    replica()  # the replica now has p_a's plan; later writes reach only the primary
    client.force_login(world.users[Role.CITY_ADMIN])
    world.p_b.refresh_from_db()
    created = client.post(
        f"/api/v1/projects/{world.p_b.pk}/annual-plans",
        {"year": 2026, "planned_investment": "3000", "version": world.p_b.version},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert AnnualPlan.objects.filter(year=2026).count() == 2  # written to the primary
    assert AnnualPlan.objects.using(routers.REPLICA).filter(year=2026).count() == 1  # not to the replica

    figures = client.get("/api/v1/indicators", {"region": world.city.pk, "year": 2026, "month": 10, "ids": "false"})
    values = {item["key"]: item["value"] for item in figures.json()["indicators"]}
    assert values["key_projects_count"] == 1  # read from the (lagging) replica
    page = client.get(f"/api/v1/projects/{world.p_b.pk}/annual-plans")
    assert [plan["year"] for plan in page.json()] == [2026]  # other reads: the primary

    with routers.replica_reads():
        assert routers.ReplicaRouter().db_for_read(Project) == routers.REPLICA
        with transaction.atomic():  # read-your-writes inside a write transaction
            assert routers.ReplicaRouter().db_for_read(Project) is None
