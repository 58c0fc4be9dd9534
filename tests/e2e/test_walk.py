"""Every role walks its main pages in headless Chromium on the demo city (a small seed_demo):
every link a page shows opens (no 404/403); at 1440 and 390 px no page is wider than the
window; in English no interface text is left in Chinese.

Bounded in time (the e2e set stays near 3 minutes on 2 cores): one seed; one browser context per
user, logged in once; each page loaded once, in English at 1440 px (links and translations are
checked there; links do not depend on the language), then the same page narrowed to 390 px
(English is the wider text, so the stricter phone check); the construction-unit reporter, who
works on a phone in Chinese, also walks at 390 px in Chinese. Links are checked a few per URL
pattern (tests/e2e/walk.py).
"""

import pytest
from django.core.management import call_command

from apps.accounts.models import Role, User

from .conftest import CHROMIUM
from .walk import CHROMIUM_ARGS, DETAILS_PER_USER, login, main_paths, walk

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

USERS = ("admin", "leader", "county", "dept", "dept_land", "owner", "auditor")
PHONE_USERS = ("owner",)  # also walked in Chinese at 390 px


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
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.set_default_timeout(15_000)
                login(page, live_server.url, username, "demo12345", "en")
                passes = [dict(check_links=True, english=True, narrow=390, details=DETAILS_PER_USER)]
                if username in PHONE_USERS:
                    passes.append(dict(check_links=False, english=False, language="zh-hans", width=390))
                for options in passes:
                    language, width = options.pop("language", "en"), options.pop("width", 1440)
                    page.set_viewport_size({"width": width, "height": 900})
                    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
                    result = walk(page, live_server.url, paths, checked=checked, **options)
                    assert len(result.pages) >= len(paths)
                    problems += [f"{username} {width}px {language} {finding}" for finding in result.problems()]
                context.close()
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)


def test_the_walk_finds_what_it_is_meant_to_find(live_server, world):
    """The checks can fail: a page made wider than the window, a link to a page the user may
    not open and Chinese interface text in English are each reported."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 390, "height": 900})
            page = context.new_page()
            login(page, live_server.url, world.users[Role.OWNER_REPORTER].username, "pass12345", "en")
            page.route(
                "**/projects/",
                lambda route: route.fulfill(
                    status=200,
                    content_type="text/html; charset=utf-8",
                    body='<html><body><div style="width:900px">wide</div><section class="card"><h2>未翻译</h2></section>'
                    '<a href="/reports/periods/">periods</a><a href="/no-such-page/">x</a></body></html>',
                ),
            )
            result = walk(page, live_server.url, ["/projects/"], check_links=True, english=True)
            # Wide enough at 1440 px, too wide once the loaded page is narrowed to 390 px.
            page.set_viewport_size({"width": 1440, "height": 900})
            narrowed = walk(page, live_server.url, ["/projects/"], check_links=False, narrow=390)
            context.close()
        finally:
            browser.close()
    assert [finding.url for finding in result.overflow] == ["/projects/"]
    assert [finding.problem.startswith("at 390px: ") for finding in narrowed.overflow] == [True]
    assert sorted(finding.problem for finding in result.dead_links) == [
        "/no-such-page/ → 404",
        "/reports/periods/ → 403",
    ]
    assert [finding.problem for finding in result.untranslated] == ["h2: 未翻译"]
