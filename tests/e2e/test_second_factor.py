"""A county clerk's first login in production mode: the authenticator is enrolled from the
QR page, the recovery codes are shown once, and the account page lists the session and
the API tokens. At desktop and phone widths."""

import pytest
from django_otp.oath import TOTP

from apps.accounts.models import Role
from tests import factories as f

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1440, 390])
def test_enrol_second_factor_and_see_the_account_page(live_server, world, settings, tmp_path, width, page):
    settings.KP_REQUIRE_2FA = True
    clerk = f.UserFactory(username="clerk", role=Role.COUNTY_USER, region=world.county_a)
    page.set_viewport_size({"width": width, "height": 900})
    page.set_default_timeout(40_000)  # a shared machine
    asked = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", clerk.username)
    page.fill("input[name=password]", "pass12345")
    page.click("main button[type=submit] >> visible=true")
    page.wait_for_selector(".qr svg")
    assert "/accounts/2fa/" in page.url
    # The enrolment page asks for nothing behind the gate (the badge once looped on it).
    page.wait_for_load_state("networkidle")
    assert [url for url in asked if "/accounts/2fa/" in url] == [page.url]
    page.screenshot(path=str(tmp_path / f"enrol-{width}.png"), full_page=True)
    if width == 390:  # no menu before the gate, but language and logout stay within reach
        page.click("[data-nav-toggle]")
        assert page.locator("button.logout").is_visible() and page.locator("select[name=language]").is_visible()
        page.screenshot(path=str(tmp_path / "enrol-390-menu.png"))
        page.click("[data-nav-toggle]")
    secret = page.inner_text("#otp-secret")
    import base64

    code = TOTP(base64.b32decode(secret)).token()
    page.fill("#id_token >> visible=true", f"{code:06d}" if isinstance(code, int) else str(code))
    page.click("main button[type=submit] >> visible=true")
    page.wait_for_selector("#recovery-codes")
    assert page.locator("#recovery-codes li").count() == 10
    page.click("text=继续")
    page.goto(f"{live_server.url}/accounts/me/")
    page.fill("input[name=name]", "报表系统")
    page.click("form:has(input[name=name]) button[type=submit]")
    page.wait_for_selector("#raw-token")
    assert "报表系统" in page.inner_text("#tokens")
    page.screenshot(path=str(tmp_path / f"account-{width}.png"), full_page=True)
    assert page.js_errors == []
    # The page fits the phone: nothing wider than the viewport.
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
