"""Stored XSS: names typed by users reach HTML that JavaScript builds (the approvals timeline
tooltip, ECharts formatters). A hostile name must render as text, under a CSP that forbids
inline script anyway."""

import pytest

from apps.accounts.models import Role
from apps.approvals.models import ItemStatus
from apps.approvals.tests.factories import ItemFactory, ItemTypeFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

HOSTILE = '<img src=x onerror="window.__xss=1">'


def test_hostile_names_render_inert_in_the_timeline_tooltip(live_server, world, page):
    import datetime

    world.dept.name = "交通局" + HOSTILE
    world.dept.save()
    kind = ItemTypeFactory(code="xss_test", name="环评" + HOSTILE)
    ItemFactory(
        project=world.p_a,
        item_type=kind,
        department=world.dept,
        status=ItemStatus.SUBMITTED,
        submitted_on=datetime.date(2026, 9, 21),
    )
    admin = world.users[Role.CITY_ADMIN]
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", admin.username)
    page.fill("input[name=password]", "pass12345")
    page.click("button[type=submit]")
    response = page.goto(f"{live_server.url}/approvals/project/{world.p_a.pk}/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    chart = page.locator("#timeline canvas, [id*=timeline] canvas").first
    chart.wait_for()
    box = chart.bounding_box()
    # Sweep the chart until the tooltip shows our lane.
    tooltip_text = ""
    for fraction_y in (0.15, 0.25, 0.35, 0.5, 0.65):
        for fraction_x in (0.3, 0.45, 0.6, 0.75, 0.9):
            page.mouse.move(box["x"] + box["width"] * fraction_x, box["y"] + box["height"] * fraction_y)
            page.wait_for_timeout(120)
            tooltip_text = page.evaluate(
                "() => Array.from(document.querySelectorAll('div')).filter(d => d.style.zIndex === '9999999')"
                ".map(d => d.textContent).join('|')"
            )
            if "onerror" in tooltip_text:
                break
        if "onerror" in tooltip_text:
            break
    assert HOSTILE in tooltip_text  # shown as text, angle brackets and all
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("img[src=x]").count() == 0
    assert page.js_errors == []
