"""三员分立: what each role may open and do in the administration site. Business pages and
the API are covered by the scope matrices of each app (tests/scope_table.py: the three
administrators see and change no project)."""

import pytest
from django.urls import reverse

from apps.accounts.models import Role, User
from apps.audit.models import ChangeRecord, SecurityEvent, SecurityEventKind

A, S, U, C = Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN, Role.CITY_ADMIN

# changelist -> roles that open it (200); other staff get 403, everyone else the login page.
OPENS = {
    "accounts_user": {A, S},
    "accounts_apitoken": {S},
    "accounts_usersession": {S},
    "audit_changerecord": {U},
    "audit_securityevent": {S, U},
    "axes_accessattempt": {S, U},
    "axes_accesslog": {S, U},
    "otp_totp_totpdevice": {S},
    "otp_static_staticdevice": {S},
    "regions_region": {A, C},
    "regions_organisation": {A, C},
    "regions_person": {A, C},
    "workdays_workdayoverride": {A, C},
    "reporting_reportingperiod": {C},
    "approvals_approvalitemtype": {C},
    "statistics_regiontarget": {C},
    "auth_group": set(),
}
STAFF = {A, S, U, C}


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("changelist", sorted(OPENS))
def test_admin_site_by_role(client, world, role, changelist):
    client.force_login(world.users[role])
    response = client.get(reverse(f"admin:{changelist}_changelist"))
    if role in OPENS[changelist]:
        assert response.status_code == 200
    elif role in STAFF:
        assert response.status_code == 403
    else:
        assert response.status_code == 302 and "/admin/login/" in response.url


def _change_user(client, target, **changes):
    url = reverse("admin:accounts_user_change", args=[target.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({key: value for key, value in data.items() if isinstance(value, list)})
    data.update(changes)
    data = {key: value for key, value in data.items() if value is not False}
    return client.post(url, data)


@pytest.mark.django_db
def test_only_the_security_administrator_changes_roles(client, world):
    target = world.users[Role.AUDITOR]
    client.force_login(world.users[A])
    _change_user(client, target, role=Role.CITY_ADMIN, first_name="改名")
    target.refresh_from_db()
    assert target.role == Role.AUDITOR and target.first_name == "改名"  # role is read-only for him

    client.force_login(world.users[S])
    _change_user(client, target, role=Role.COUNTY_USER, region=world.county_a.pk)
    target.refresh_from_db()
    assert target.role == Role.COUNTY_USER
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ROLE_CHANGED, user=target)
    assert event.detail["role"] == [Role.AUDITOR, Role.COUNTY_USER] and event.actor_name == "secadmin"


@pytest.mark.django_db
def test_security_administrator_actions(client, world):
    target = world.users[Role.COUNTY_USER]
    client.force_login(world.users[S])
    url = reverse("admin:accounts_user_changelist")
    for action in ("unlock", "reset_second_factor", "end_sessions", "require_password_change"):
        response = client.post(url, {"action": action, "_selected_action": [target.pk]})
        assert response.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password
    kinds = set(SecurityEvent.objects.filter(user=target).values_list("kind", flat=True))
    assert {SecurityEventKind.UNLOCKED, SecurityEventKind.OTP_RESET} <= kinds
    # The system administrator has no such actions.
    client.force_login(world.users[A])
    page = client.get(url).content.decode()
    assert "reset_second_factor" not in page


@pytest.mark.django_db
def test_audit_administrator_changes_nothing(client, world):
    from apps.projects import services

    services.project_update(
        actor=world.users[C], project_id=world.p_a.pk, expected_version=world.p_a.version, fields={"location": "x"}
    )
    record = ChangeRecord.objects.latest("id")
    client.force_login(world.users[U])
    assert client.get(reverse("admin:audit_changerecord_change", args=[record.pk])).status_code == 200
    assert client.post(reverse("admin:audit_changerecord_delete", args=[record.pk]), {"post": "yes"}).status_code == 403
    assert ChangeRecord.objects.filter(pk=record.pk).exists()
    # The change log page shows him everything; no project page opens.
    assert client.get(reverse("audit:list")).status_code == 200
    assert client.get(reverse("projects:detail", args=[world.p_a.pk])).status_code == 404


def test_no_account_needs_to_be_a_superuser():
    from apps.projects.demo import demo_users_table

    roles = {row[2] for row in demo_users_table()}
    assert {str(Role.SYSTEM_ADMIN.label), str(Role.SECURITY_ADMIN.label), str(Role.AUDIT_ADMIN.label)} <= roles
    assert User._meta.get_field("role").default == Role.AUDITOR
