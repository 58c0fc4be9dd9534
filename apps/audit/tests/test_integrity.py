"""安全审计: the hash chain (single and bulk writes, concurrent writers), append-only at the
database, server-generated request ids, trusted proxies."""

import datetime
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import RequestFactory
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from apps.accounts.models import Role
from apps.audit.chain import row_hash, row_hasher, verify
from apps.audit.models import ChangeAction, ChangeRecord, SecurityEvent, SecurityEventKind
from apps.audit.services import change_record_write, change_records_write_bulk, security_event_write, snapshot
from apps.core.context import request_context
from apps.core.middleware import client_ip
from apps.projects import services

POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


def _write_some(world):
    admin = world.users[Role.CITY_ADMIN]
    with request_context(request_id="r1", client_ip="::ffff:10.0.0.1"):
        for key in ("p_a", "p_b"):
            project = getattr(world, key)
            services.project_update(
                actor=admin, project_id=project.pk, expected_version=project.version, fields={"location": key}
            )
    with transaction.atomic():
        projects = [world.p_a, world.p_b, world.p_c]
        written = change_records_write_bulk(
            actor=admin,
            entries=[(ChangeAction.UPDATE, p, {"scope": "旧"}, {"scope": "新", "n": 1.5}, p.pk) for p in projects],
        )
    assert written == 3
    security_event_write(kind=SecurityEventKind.LOGIN, user=admin)


@pytest.mark.django_db
def test_chain_holds_for_single_and_bulk_writes_and_names_a_tampered_row(world, capsys):
    _write_some(world)
    assert verify(ChangeRecord).broken_id is None and verify(ChangeRecord).checked == ChangeRecord.objects.count()
    assert verify(SecurityEvent).broken_id is None
    call_command("audit_verify")
    assert "校验链完整" in capsys.readouterr().out

    victim = ChangeRecord.objects.order_by("id")[1]
    # A superuser (or a copy of the database) edits a row behind the application's back.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_changerecord SET object_repr = %s WHERE id = %s", ["改过", victim.pk])
    report = verify(ChangeRecord)
    assert report.broken_id == victim.pk and report.checked == 1
    with pytest.raises(CommandError):
        call_command("audit_verify")
    assert str(victim.pk) in capsys.readouterr().err


@pytest.mark.django_db
def test_removing_a_row_breaks_the_next_link(world):
    _write_some(world)
    rows = list(ChangeRecord.objects.order_by("id"))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_changerecord WHERE id = %s", [rows[2].pk])
    assert verify(ChangeRecord).broken_id == rows[3].pk


@pytest.mark.django_db
def test_orm_refuses_update_and_delete(world):
    from apps.audit.models import AppendOnlyError

    _write_some(world)
    with pytest.raises(AppendOnlyError):
        SecurityEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        ChangeRecord.objects.update(object_repr="x")


@POSTGRES
@pytest.mark.django_db
def test_database_refuses_update_delete_truncate_for_the_application_role(world):
    _write_some(world)
    with connection.cursor() as cursor:
        cursor.execute("DROP ROLE IF EXISTS kp_test_app")
        cursor.execute("CREATE ROLE kp_test_app NOLOGIN NOSUPERUSER")
        # Even with every grant the triggers refuse: grants and triggers are two locks.
        cursor.execute("GRANT ALL ON audit_changerecord, audit_securityevent TO kp_test_app")
    for statement in (
        "UPDATE audit_changerecord SET object_repr = 'x'",
        "DELETE FROM audit_changerecord",
        "TRUNCATE audit_changerecord",
        "UPDATE audit_securityevent SET username = 'x'",
        "DELETE FROM audit_securityevent",
        "TRUNCATE audit_securityevent",
    ):
        with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE wants no deferred checks pending
            cursor.execute("SET LOCAL ROLE kp_test_app")
            cursor.execute(statement)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL ROLE kp_test_app")
        cursor.execute("SELECT count(*) FROM audit_changerecord")
        assert cursor.fetchone()[0] == ChangeRecord.objects.count() > 0


@POSTGRES
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_one_chain(world):
    admin = world.users[Role.CITY_ADMIN]
    projects = [world.p_a, world.p_b, world.p_c]
    errors = []

    def writer(n):
        try:
            for _round in range(5):
                with transaction.atomic():
                    change_records_write_bulk(
                        actor=admin,
                        entries=[(ChangeAction.UPDATE, p, {"n": n}, {"n": n + 1}, p.pk) for p in projects],
                    )
                    change_record_write(
                        actor=admin,
                        action=ChangeAction.UPDATE,
                        instance=projects[0],
                        before={"m": 0},
                        after={"m": n + 1},
                    )
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert ChangeRecord.objects.count() == 4 * 5 * 4
    assert verify(ChangeRecord).broken_id is None


@pytest.mark.django_db
def test_a_forged_request_id_is_only_a_correlation_id(client, world):
    """A client sending the id of an import batch cannot make its edit part of that batch
    (undo deletes a batch's records by request id)."""
    client.force_login(world.users[Role.COUNTY_USER])
    forged = "import-0123456789abcdef0123456789abcdef"
    response = client.patch(
        f"/api/v1/projects/{world.p_a.pk}",
        {"version": world.p_a.version, "location": "手工修改"},
        content_type="application/json",
        HTTP_X_REQUEST_ID=forged,
    )
    assert response.status_code == 200
    assert not ChangeRecord.objects.filter(request_id=forged).exists()
    record = ChangeRecord.objects.get(correlation_id=forged)
    assert record.request_id == response["X-Request-ID"] and not record.request_id.startswith("import-")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.5", "203.0.113.7", "203.0.113.7"),  # from the proxy: the client it names
        ("10.0.0.5", "198.51.100.1, 203.0.113.7, 10.0.0.9", "203.0.113.7"),  # spoofed left part ignored
        ("203.0.113.50", "1.2.3.4", "203.0.113.50"),  # not from a proxy: header ignored
        ("10.0.0.5", "garbage", "10.0.0.5"),
    ],
)
def test_client_ip_believes_forwarded_for_only_from_trusted_proxies(settings, remote, forwarded, expected):
    settings.KP_TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.KP_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "10.0.0.5"


@pytest.mark.django_db
def test_snapshot_of_users_keeps_secrets_out(world):
    assert "password" not in snapshot(world.users[Role.COUNTY_USER])


@given(
    own=st.dictionaries(
        st.sampled_from(["action", "object_id", "object_repr", "project_id", "before", "after"]),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.text() | st.decimals(allow_nan=False, places=4),
            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
            max_leaves=8,
        ),
    ),
    previous=st.text(alphabet="0123456789abcdef", max_size=64),
)
@hypothesis_settings(deadline=None)  # timings on a shared machine are not the point
def test_the_bulk_hasher_gives_row_hash_exactly(own, previous):
    """change_records_write_bulk encodes the shared values once (row_hasher); every hash must
    be the one row_hash, which audit_verify recomputes, gives for the whole row."""
    shared = {
        "time": datetime.datetime(2026, 12, 1, 21, 5, 7, 123456, tzinfo=datetime.UTC),
        "user_id": 7,
        "user_name": "县发改局 王科长",
        "request_id": "r-1",
        "correlation_id": "",
        "client_ip": "::ffff:10.0.0.1",
    }
    values = {**shared, **own}
    assert row_hasher("changerecord", shared)(previous, own) == row_hash(previous, values, "changerecord")
