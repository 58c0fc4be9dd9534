"""Backup and restore (scripts/pg_backup.py) on PostgreSQL: the drill restores into a fresh
database and finds every table's row count and the change records equal; a restore that
lost a record is caught."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from apps.accounts.models import Role
from tests.processes import database_url

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "pg_backup.py"
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


def load_script():
    spec = importlib.util.spec_from_file_location("pg_backup", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def recorded(client, world):
    """Data with change records written through the API."""
    client.force_login(world.users[Role.CITY_ADMIN])
    for project in (world.p_a, world.p_b):
        response = client.patch(
            f"/api/v1/projects/{project.pk}",
            {"version": project.version, "location": f"{project.name}新址"},
            content_type="application/json",
        )
        assert response.status_code == 200
    return world


def test_restore_drill_matches_row_counts_and_change_records(recorded):
    url = database_url()
    target = f"{connection.settings_dict['NAME']}_restorecheck"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "check", "--url", url, "--target", target],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: row counts and change records match" in result.stdout
    assert "2 change records" in result.stdout


def test_backup_keeps_the_newest_and_a_lost_record_is_caught(recorded, tmp_path):
    script = load_script()
    url = database_url()
    first = script.backup(url, tmp_path, keep=1)
    second = script.backup(url, tmp_path, keep=1)
    assert sorted(tmp_path.iterdir()) == [second] and first != second
    target = script.with_db(url, f"{connection.settings_dict['NAME']}_restored")
    script.psql(script.with_db(url, "postgres"), f'DROP DATABASE IF EXISTS "{script.db_name(target)}" WITH (FORCE)')
    script.restore(second, target)
    try:
        with pytest.raises(SystemExit):  # never over an existing database
            script.restore(second, target)
        assert script.snapshot(target) == script.snapshot(url)
        script.psql(target, "ALTER TABLE audit_changerecord DISABLE TRIGGER ALL")
        script.psql(target, "DELETE FROM audit_changerecord WHERE id = (SELECT max(id) FROM audit_changerecord)")
        restored = script.snapshot(target)
        assert restored["audit"]["count"] == 1
        assert restored != script.snapshot(url)
    finally:
        script.psql(script.with_db(url, "postgres"), f'DROP DATABASE IF EXISTS "{script.db_name(target)}" WITH (FORCE)')
