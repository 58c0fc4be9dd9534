"""Every role walks its main pages in headless Chromium on the demo city (a small seed_demo):
at 1440 px every link a page shows opens (no 404/403); at 1440 and 390 px no page is wider
than the window; in English no interface text is left in Chinese.

Bounded in time: one seed, each page loaded three times per user (1440 zh, 390 zh, 1440 en),
links checked a few per URL pattern (tests/e2e/walk.py)."""

import pytest
from django.core.management import call_command

from apps.accounts.models import User

from .conftest import CHROMIUM
from .walk import CHROMIUM_ARGS, login, main_paths, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USERS = ("admin", "leader", "county", "dept", "dept_land", "owner", "auditor")
PASSES = (  # (width, language, check links, check English)
    (1440, "zh-hans", True, False),
    (390, "zh-hans", False, False),
    (1440, "en", False, True),
)


@pytest.fixture
def demo_paths():
    # Data and page lists before Playwright starts (its event loop and the ORM do not mix).
    call_command("seed_demo", projects=60, report_years=1, verbosity=0)
    users = {user.username: user for user in User.objects.filter(username__in=USERS)}
    assert set(users) == set(USERS)
    return {username: main_paths(users[username]) for username in USERS}


def test_every_role_walks_its_pages_without_overflow_dead_links_or_chinese_in_english(live_server, demo_paths):
    from playwright.sync_api import sync_playwright

    problems = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for username, paths in demo_paths.items():
                checked = {}
                for width, language, links, english in PASSES:
                    context = browser.new_context(viewport={"width": width, "height": 900})
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    login(page, live_server.url, username, "demo12345", language)
                    result = walk(page, live_server.url, paths, check_links=links, english=english, checked=checked)
                    context.close()
                    assert len(result.pages) == len(paths)
                    problems += [f"{username} {width}px {language} {finding}" for finding in result.problems()]
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)


def test_the_walk_finds_what_it_is_meant_to_find(live_server, demo_paths):
    """The checks can fail: a page made wider than the window, a link to a page the user may
    not open and Chinese interface text in English are each reported."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 900})
            page = context.new_page()
            login(page, live_server.url, "owner", "demo12345", "en")
            page.route(
                "**/projects/",
                lambda route: route.fulfill(
                    status=200,
                    content_type="text/html",
                    body='<html><body><div style="width:900px">wide</div><h2>未翻译</h2>'
                    '<a href="/changes/">change log</a><a href="/no-such-page/">x</a></body></html>',
                ),
            )
            result = walk(page, live_server.url, ["/projects/"], check_links=True, english=True)
            context.close()
        finally:
            browser.close()
    assert [finding.url for finding in result.overflow] == ["/projects/"]
    assert sorted(finding.problem for finding in result.dead_links) == ["/changes/ → 403", "/no-such-page/ → 404"]
    assert [finding.problem for finding in result.untranslated] == ["h2: 未翻译"]
