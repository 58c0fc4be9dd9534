"""Deployment settings (check --deploy), error answers in Chinese / JSON, CSP header."""

import json
import os
import subprocess
import sys

import pytest
from django.test import RequestFactory

from apps.accounts.models import Role
from apps.audit.models import SecurityEvent, SecurityEventKind
from apps.core import errors

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "-production-secret-from-the-vault-" + "q" * 20,
    "ALLOWED_HOSTS": "kp.example.gov.cn",
    "USE_X_FORWARDED_PROTO": "1",
    # Production serves collected, hashed static files (collectstatic first); this check
    # is about the security settings, so it reads them from the apps.
    "STATIC_MANIFEST": "0",
}


def _manage(*args, env):
    # The browser tests allow Django's async-unsafe calls in this process (Playwright's loop);
    # a production environment never has that switch, and check --deploy warns about it.
    inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={**inherited, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def _readme_production_environment() -> dict:
    """The environment block under README's "### Production environment", as documented (the
    SECRET_KEY placeholder replaced by a real-looking secret): the test runs what operators read."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Production environment", 1)[1]
    block = section.split("```", 2)[1]
    env = {}
    for line in block.splitlines():
        match = re.match(r"^([A-Z_][A-Z0-9_]*)=(\S+)", line.strip())
        if match:
            env[match.group(1)] = match.group(2)
    assert {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS"} <= env.keys(), block
    env["SECRET_KEY"] = PRODUCTION_ENV["SECRET_KEY"]
    return env


def test_check_deploy_reports_nothing_with_the_documented_production_environment():
    env = _readme_production_environment()
    assert env["DEBUG"] == "0" and "STATIC_MANIFEST" not in env
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_are_strict():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.KP_REQUIRE_2FA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE": "keyprojects.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == [
        "False", "True", "True", "True", "31536000", "('HTTP_X_FORWARDED_PROTO',", "'https')", "True"
    ]  # fmt: skip


@pytest.mark.django_db
def test_csp_header_forbids_inline_script(client, world):
    client.force_login(world.users[Role.CITY_ADMIN])
    policy = client.get("/projects/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"] and "unsafe-eval" not in directives["script-src"]
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"


def test_no_template_has_inline_script_or_event_handlers():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.I)
    handler = re.compile(r"\son[a-z]+\s*=|javascript:", re.I)
    offenders = []
    for path in [*root.glob("templates/**/*.html"), *root.glob("apps/*/templates/**/*.html")]:
        text = path.read_text(encoding="utf-8")
        if inline.search(text) or handler.search(text):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []


@pytest.mark.django_db
def test_api_errors_are_chinese_json(client, world, settings):
    client.force_login(world.users[Role.COUNTY_USER])
    missing = client.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and "权限范围" in missing.json()["detail"]
    big = client.generic(
        "POST",
        "/api/v1/projects",
        b'{"name": "' + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 10) + b'"}',
        content_type="application/json",
    )
    assert big.status_code == 413 and "请求体过大" in big.json()["detail"]


@pytest.mark.django_db
def test_server_error_answers_without_a_traceback():
    request = RequestFactory().get("/api/v1/projects")
    response = errors.server_error(request)
    assert response.status_code == 500 and "服务器内部错误" in json.loads(response.content)["detail"]
    page = errors.server_error(RequestFactory().get("/projects/"))
    body = page.content.decode()
    assert page.status_code == 500 and "服务器内部错误" in body and "Traceback" not in body


@pytest.mark.django_db
def test_access_denied_on_an_existing_object_is_a_security_event(client, world):
    client.force_login(world.users[Role.DEPARTMENT_USER])  # sees p_a, may not change it
    response = client.patch(
        f"/api/v1/projects/{world.p_a.pk}", {"version": 1, "location": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    event = SecurityEvent.objects.get(kind=SecurityEventKind.ACCESS_DENIED)
    assert event.user == world.users[Role.DEPARTMENT_USER] and str(world.p_a.pk) in event.detail["path"]
