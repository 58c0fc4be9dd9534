"""身份鉴别: lockout, second factor, sessions, passwords, API tokens."""

import datetime
import time

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import APIToken, Role, User, UserSession
from apps.accounts.services import api_token_issue, user_second_factor_reset, user_unlock
from apps.audit.models import SecurityEvent, SecurityEventKind
from tests import factories as f

LOGIN = "/accounts/login/"
STRONG = "Kp-2026-strong"


def _user(**kwargs):
    kwargs.setdefault("role", Role.COUNTY_USER)
    user = f.UserFactory(**kwargs)
    user.set_password(STRONG)
    user.save()
    return user


def _login(client, username, password, ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _events(kind):
    return SecurityEvent.objects.filter(kind=kind)


# --- lockout -------------------------------------------------------------------


@pytest.mark.django_db
def test_right_password_is_refused_during_lockout_then_admin_unlocks(client, world):
    user = _user(username="zhang", region=world.county_a)
    for _i in range(4):
        assert _login(client, "zhang", "wrong-Pass1").status_code == 200
    assert _login(client, "zhang", "wrong-Pass1").status_code == 429  # the fifth failure locks
    refused = _login(client, "zhang", STRONG)
    assert refused.status_code == 429
    assert "账号已被临时锁定" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # Another client is refused too: the account is locked, not only the client.
    assert _login(client, "zhang", STRONG, ip="10.9.9.9").status_code == 429
    failed = _events(SecurityEventKind.LOGIN_FAILED).filter(username="zhang")
    assert failed.filter(client_ip="10.0.0.1").count() >= 5
    assert _events(SecurityEventKind.LOCKED_OUT).filter(username="zhang").exists()

    user_unlock(user=user, actor=world.users[Role.CITY_ADMIN])
    assert _login(client, "zhang", STRONG, ip="10.0.0.2").status_code == 302
    assert _events(SecurityEventKind.UNLOCKED).filter(user=user).exists()


@pytest.mark.django_db
def test_lockout_ends_after_the_cool_off_however_often_the_attacker_tries(client, world, settings):
    _user(username="li", region=world.county_a)
    for _i in range(12):  # failures during the lockout do not extend it
        _login(client, "li", "wrong-Pass1", ip="10.0.0.7")
    assert _login(client, "li", STRONG, ip="10.0.0.8").status_code == 429
    from axes.models import AccessAttempt
    from django.db.models import F

    # The cool-off passes (from the last failure that counted).
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)
    assert _login(client, "li", STRONG, ip="10.0.0.8").status_code == 302


@pytest.mark.django_db
def test_wrong_api_tokens_lock_the_client_out(client, world):
    _token, raw = APIToken.issue(user=world.users[Role.COUNTY_USER], name="t")
    for _i in range(5):
        response = client.get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer nope-nope", REMOTE_ADDR="10.2.0.1")
        assert response.status_code in (401, 429)
    assert response.status_code == 429
    # Even a right token is refused from the locked-out client, in Chinese JSON.
    locked = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.2.0.1")
    assert locked.status_code == 429 and "次数过多" in locked.json()["detail"]
    ok = client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="10.2.0.2")
    assert ok.status_code == 200
    assert _events(SecurityEventKind.TOKEN_FAILED).count() >= 5


@pytest.mark.django_db
def test_an_office_behind_one_nat_address_is_not_locked_out_by_others_failures(client, world, settings):
    # Five colleagues (or an attacker) mistype behind the office's one address: each account
    # has one failure, the address five; a sixth colleague still logs in from there.
    office = "203.0.113.10"
    for n in range(5):
        _user(username=f"clerk{n}", region=world.county_a)
        assert _login(client, f"clerk{n}", "wrong-Pass1", ip=office).status_code == 200
    _user(username="wang", region=world.county_a)
    assert _login(client, "wang", STRONG, ip=office).status_code == 302
    # Wrong API tokens from the office lock that office's token attempts only.
    client.logout()
    for _i in range(5):
        client.get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer nope-nope", REMOTE_ADDR=office)
    assert client.get("/api/v1/projects", HTTP_AUTHORIZATION="Bearer x", REMOTE_ADDR=office).status_code == 429
    assert _login(client, "wang", STRONG, ip=office).status_code == 302


@pytest.mark.django_db
def test_the_client_address_is_throttled_at_its_own_higher_limit(client, world, settings):
    assert settings.KP_LOCKOUT_LIMITS == [settings.AXES_FAILURE_LIMIT, 50]  # the documented defaults
    settings.KP_LOCKOUT_LIMITS = [5, 12]
    spray = "198.51.100.7"
    for n in range(11):  # password spraying: one try per account, each under its own limit
        _user(username=f"u{n}", region=world.county_a)
        assert _login(client, f"u{n}", "wrong-Pass1", ip=spray).status_code == 200
    _user(username="u11", region=world.county_a)
    assert _login(client, "u11", "wrong-Pass1", ip=spray).status_code == 429  # the 12th locks the address
    refused = _login(client, "u0", STRONG, ip=spray)
    assert refused.status_code == 429 and "_auth_user_id" not in client.session
    # The accounts themselves are not locked: from another address the right password works.
    assert _login(client, "u0", STRONG, ip="198.51.100.8").status_code == 302


# --- second factor -------------------------------------------------------------


def _code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():06d}"


@pytest.mark.django_db
def test_second_factor_enrolment_replay_and_recovery_codes(client, world, settings):
    settings.KP_REQUIRE_2FA = True
    # django-otp's back-off after a wrong code would refuse the next try within a second:
    # off here, so the refusals below are the replay and the used recovery code themselves.
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    user = _user(username="wang", region=world.county_a)
    assert _login(client, "wang", STRONG).status_code == 302
    # Before the second factor nothing else opens, pages or API.
    assert client.get("/projects/").url.startswith("/accounts/2fa/")
    assert client.get("/api/v1/projects").status_code == 403
    enrol = client.get("/accounts/2fa/")
    assert "<svg" in enrol.content.decode()  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/accounts/2fa/", {"token": _code(device)})
    codes = done.context["codes"]
    assert len(codes) == 10 and client.get("/projects/").status_code == 200
    assert _events(SecurityEventKind.OTP_ENROLLED).filter(user=user).exists()

    # A new login: the code just used is refused (replay), the next one is accepted.
    client.post(reverse("logout"))
    _login(client, "wang", STRONG)
    used = _code(device)
    replay = client.post("/accounts/2fa/", {"token": used})
    assert replay.status_code == 200 and "已使用过" in replay.content.decode()
    assert client.get("/projects/").status_code == 302
    assert client.post("/accounts/2fa/", {"token": _code(device, offset=1)}).status_code == 302
    assert client.get("/projects/").status_code == 200

    # A recovery code works once.
    client.post(reverse("logout"))
    _login(client, "wang", STRONG)
    assert client.post("/accounts/2fa/", {"token": codes[0]}).status_code == 302
    client.post(reverse("logout"))
    _login(client, "wang", STRONG)
    assert client.post("/accounts/2fa/", {"token": codes[0]}).status_code == 200

    # The security administrator resets the device: the user enrols again.
    user_second_factor_reset(user=user, actor=world.users[Role.SECURITY_ADMIN])
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert _events(SecurityEventKind.OTP_RESET).filter(user=user).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("pending", ["second_factor", "password"])
def test_a_page_before_the_gate_asks_for_no_fragment_and_a_fragment_is_refused_not_redirected(
    client, world, settings, pending
):
    # The reminder badge (htmx) on the enrolment page was redirected to the enrolment page,
    # whose own badge asked again: requests without end, and devices made concurrently.
    settings.KP_REQUIRE_2FA = pending == "second_factor"
    user = _user(username="qian", region=world.county_a)
    if pending == "password":
        User.objects.filter(pk=user.pk).update(must_change_password=True)
    _login(client, "qian", STRONG)
    gate = "/accounts/2fa/" if pending == "second_factor" else "/accounts/password/"
    page = client.get(gate).content.decode()
    assert "hx-get" not in page and "/reports/reminders/" not in page and 'href="/projects/"' not in page
    fragment = client.get("/reports/reminders/badge/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 403 and "请先" in fragment.content.decode()
    assert client.get("/reports/reminders/badge/").url.startswith(gate)  # a page still goes to the gate


@pytest.mark.django_db
def test_enrolment_asked_twice_shows_the_one_device_it_checks(client, world, settings):
    settings.KP_REQUIRE_2FA = True
    user = _user(username="feng", region=world.county_a)
    _login(client, "feng", STRONG)
    shown = [client.get("/accounts/2fa/").context["secret"] for _ in range(2)]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import base64

    assert shown == [base64.b32encode(device.bin_key).decode()] * 2


@pytest.mark.django_db
def test_a_fragment_of_an_expired_session_takes_the_page_to_the_login(client, world):
    from unittest import mock

    _user(username="wei", region=world.county_a)
    _login(client, "wei", STRONG)
    later = timezone.now() + datetime.timedelta(minutes=31)
    with mock.patch("django.utils.timezone.now", return_value=later):
        fragment = client.get(
            "/reports/reminders/badge/",
            HTTP_HX_REQUEST="true",
            HTTP_HX_CURRENT_URL="http://testserver/projects/?stage=planning",
        )
    # htmx navigates the whole page; the login returns to the page, not to the fragment.
    assert (
        fragment.status_code == 200
        and fragment["HX-Redirect"] == "/accounts/login/?next=%2Fprojects%2F%3Fstage%3Dplanning"
    )
    assert not fragment.content


@pytest.mark.django_db
def test_read_only_roles_and_the_demo_need_no_second_factor(client, world, settings):
    assert not world.users[Role.CITY_LEADER].needs_second_factor
    assert not world.users[Role.AUDITOR].needs_second_factor
    for role in (Role.CITY_ADMIN, Role.COUNTY_USER, Role.OWNER_REPORTER, Role.SECURITY_ADMIN):
        assert world.users[role].needs_second_factor
    settings.KP_REQUIRE_2FA = True
    client.force_login(world.users[Role.CITY_LEADER])
    assert client.get("/projects/").status_code == 200


def test_second_factor_is_on_by_default_in_production():
    import subprocess
    import sys

    code = "import django, os; django.setup(); from django.conf import settings; print(settings.KP_REQUIRE_2FA)"
    env = {"DEBUG": "0", "SECRET_KEY": "x" * 60, "DJANGO_SETTINGS_MODULE": "keyprojects.settings", "PATH": ""}
    prod = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    demo = subprocess.run(
        [sys.executable, "-c", code], env={**env, "DEBUG": "1"}, capture_output=True, text=True, check=True
    )
    assert prod.stdout.strip() == "True" and demo.stdout.strip() == "False"


# --- sessions --------------------------------------------------------------------


@pytest.mark.django_db
def test_new_session_key_at_login(client, world):
    _user(username="zhao", region=world.county_a)
    client.get(LOGIN)
    client.session.save()
    before = client.session.session_key
    _login(client, "zhao", STRONG)
    assert client.session.session_key != before


@pytest.mark.django_db
@pytest.mark.parametrize(("minutes", "kept_alive"), [(31, False), (12 * 60 + 1, True)])
def test_idle_and_absolute_timeouts(client, world, minutes, kept_alive):
    from unittest import mock

    _user(username="sun", region=world.county_a)
    _login(client, "sun", STRONG)
    assert client.get("/projects/").status_code == 200
    start = timezone.now()
    if kept_alive:  # active every 20 minutes: never idle, but the absolute limit still ends it
        for step in range(1, minutes // 20):
            with mock.patch("django.utils.timezone.now", return_value=start + datetime.timedelta(minutes=20 * step)):
                assert client.get("/projects/").status_code == 200
    with mock.patch("django.utils.timezone.now", return_value=start + datetime.timedelta(minutes=minutes)):
        assert client.get("/projects/").status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.SESSION_EXPIRED).exists()


@pytest.mark.django_db
def test_logout_and_deactivation_end_every_session(client, world):
    from django.test import Client

    user = _user(username="zhou", region=world.county_a)
    other = Client()
    _login(client, "zhou", STRONG)
    _login(other, "zhou", STRONG, ip="10.0.0.3")
    assert UserSession.objects.filter(user=user).count() == 2
    client.post(reverse("logout"))
    assert other.get("/projects/").status_code == 302  # the other browser is logged out too
    assert not UserSession.objects.filter(user=user).exists()

    _login(client, "zhou", STRONG)
    key = client.session.session_key
    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get("/projects/").status_code == 302
    assert _events(SecurityEventKind.DEACTIVATED).filter(user=user).exists()


# --- passwords -------------------------------------------------------------------


def test_argon2_is_the_production_hasher():
    from django.contrib.auth.hashers import get_hasher, make_password

    from keyprojects import settings as configured

    # conftest swaps in MD5 for speed; the configured first hasher is Argon2.
    assert configured.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=configured.PASSWORD_HASHERS):
        assert identify_hasher(make_password("x")).algorithm == "argon2" == get_hasher().algorithm


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("Ab1!", "至少"), ("abcdefgh12", "至少 3 类"), ("Password1", "常见"), ("12345678", "至少 3 类")],
)
def test_password_rules(client, world, password, message):
    with override_settings(LANGUAGE_CODE="zh-hans"):
        user = _user(username="qian", region=world.county_a)
        client.force_login(user)
        response = client.post(
            "/accounts/password/", {"old_password": STRONG, "new_password1": password, "new_password2": password}
        )
    assert response.status_code == 200 and message in response.content.decode()


@pytest.mark.django_db
def test_password_history_refuses_the_last_five(client, world):
    user = _user(username="feng", region=world.county_a)
    client.force_login(user)
    current = STRONG
    for n in range(1, 5):
        new = f"Kp-2026-new{n}"
        response = client.post(
            "/accounts/password/", {"old_password": current, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 302, response.content.decode()
        current = new
    again = client.post(
        "/accounts/password/", {"old_password": current, "new_password1": STRONG, "new_password2": STRONG}
    )
    assert "最近 5 次" in again.content.decode()
    assert _events(SecurityEventKind.PASSWORD_CHANGED).filter(user=user).count() == 4


@pytest.mark.django_db
def test_issued_password_and_expired_password_must_be_changed(client, world, settings):
    user = _user(username="chen", region=world.county_a)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    _login(client, "chen", STRONG)
    assert client.get("/projects/").url.startswith("/accounts/password/")
    assert client.get("/api/v1/projects").status_code == 403
    new = "Kp-2026-changed"
    client.post("/accounts/password/", {"old_password": STRONG, "new_password1": new, "new_password2": new})
    assert client.get("/projects/").status_code == 200

    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    assert client.get("/projects/").status_code == 302
    settings.KP_PASSWORD_MAX_AGE_DAYS = 0
    assert client.get("/projects/").status_code == 200


# --- API tokens ------------------------------------------------------------------


@pytest.mark.django_db
def test_tokens_expire_record_last_use_and_revoke(client, world):
    user = world.users[Role.COUNTY_USER]
    token, raw = api_token_issue(user=user, actor=user, name="报表系统")
    assert (token.expires_at - timezone.now()).days in (89, 90)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/projects", **auth).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None

    client.force_login(user)
    page = client.get("/accounts/me/").content.decode()
    assert "报表系统" in page and token.prefix in page
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    client.logout()
    assert client.get("/api/v1/projects", **auth).status_code == 401
    assert _events(SecurityEventKind.TOKEN_ISSUED).count() == 1 == _events(SecurityEventKind.TOKEN_REVOKED).count()

    expired, raw_expired = APIToken.issue(user=user, name="old")
    APIToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/projects", HTTP_AUTHORIZATION=f"Bearer {raw_expired}").status_code == 401
