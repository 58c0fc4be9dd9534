"""Headless Chromium (Debian's package) driven by Playwright, for the e2e tests."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
REQUIRED = os.environ.get("KP_REQUIRE_BROWSER") == "1"

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
# themselves (fixtures) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    # The call's outcome, for the page fixture to record what the browser showed on a failure.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def pytest_collection_modifyitems(config, items):
    if shutil.which(CHROMIUM) or REQUIRED:
        return
    skip = pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM} (make test installs it when run as root)")
    for item in items:
        if "e2e" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def page(request):
    """A fresh browser page; JavaScript errors are collected on `page.js_errors`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        context = browser.new_context(locale="zh-CN", viewport={"width": 1400, "height": 1000})
        context.grant_permissions(["clipboard-read", "clipboard-write"])
        page = context.new_page()
        page.set_default_timeout(15_000)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        yield page
        call = getattr(request.node, "report_call", None)
        failed = call is not None and call.failed
        artifacts = os.environ.get("KP_E2E_ARTIFACTS") or ("var/e2e-failures" if failed else "")
        if artifacts:
            os.makedirs(artifacts, exist_ok=True)
            stem = os.path.join(artifacts, request.node.name)
            try:
                page.screenshot(path=f"{stem}.png", full_page=True, timeout=10_000)
                if failed:
                    # What the page said when the test gave up: a CI log is often all there is.
                    with open(f"{stem}.html", "w") as html:
                        html.write(page.content())
                    print(f"\n[e2e] failed at {page.url}; page and screenshot in {stem}.(html|png)")
                    print("[e2e] page text:", " ".join(page.inner_text("body", timeout=5_000).split())[:1500])
            except Exception as exc:  # a page that never settles must not turn the failure into an error
                print(f"\n[e2e] could not record the page: {exc}")
        browser.close()
