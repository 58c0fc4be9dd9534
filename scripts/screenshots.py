"""Screenshots of the main pages for every demo role, at 1440 and 390 px, Chinese and English.

    make screenshots            # or: .venv/bin/python scripts/screenshots.py [--out screenshots] [--port 8149]
                                #     [--users admin,owner] [--widths 1440,390] [--paths /problems/,/imports/]

Serves the demo database (var/db.sqlite3 or DATABASE_URL, loaded by `make run` / seed_demo)
on a loopback port, logs in as each demo user, walks its menu and one of each detail page,
writes `<out>/<role>/<width>-<lang>-<page>.png`, and prints the pages wider than the window,
the shown links answering 404/403 and interface text left in Chinese in English.
The folder is not committed (.gitignore).
"""

import argparse
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
os.environ.setdefault("DEBUG", "1")  # the demo as `make run` serves it (static files, no Redis)

DEMO_USERS = ("admin", "leader", "county", "dept", "dept_land", "owner", "auditor")
PASSWORD = "demo12345"  # noqa: S105 - the public demo password


def _serve(port: int) -> subprocess.Popen:
    server = subprocess.Popen(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):  # up to two minutes: system checks are slow on a busy machine
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"服务未能在端口 {port} 启动")


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("KP_SCREENSHOT_PORT", "8149")))
    parser.add_argument("--users", default=",".join(DEMO_USERS))
    parser.add_argument("--widths", default="1440,390")
    parser.add_argument("--languages", default="zh-hans,en")
    parser.add_argument("--paths", default="", help="only these pages (comma-separated), e.g. /problems/,/imports/")
    args = parser.parse_args()

    import django

    django.setup()
    from playwright.sync_api import sync_playwright

    from apps.accounts.models import User
    from tests.e2e.walk import CHROMIUM_ARGS, login, main_paths, walk

    base = f"http://127.0.0.1:{args.port}"
    out = Path(args.out)
    server = _serve(args.port)
    totals = {"pages": 0, "overflow": 0, "dead": 0, "untranslated": 0, "errors": 0}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
            )
            for username in args.users.split(","):
                user = User.objects.filter(username=username).first()
                if user is None:
                    print(f"跳过 {username}：演示库中没有该用户（先运行 make run 或 seed_demo）")
                    continue
                paths = [path for path in args.paths.split(",") if path] or main_paths(user)
                checked = {}
                for width in (int(value) for value in args.widths.split(",")):
                    for language in args.languages.split(","):
                        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
                        page = context.new_page()
                        login(page, base, username, PASSWORD, language)
                        folder = out / user.role / username
                        folder.mkdir(parents=True, exist_ok=True)

                        def shoot(path, page, folder=folder, width=width, language=language):
                            page.screenshot(path=str(folder / f"{width}-{language}-{_slug(path)}.png"), full_page=True)

                        result = walk(
                            page,
                            base,
                            paths,
                            check_links=width == 1440 and language == "zh-hans",
                            english=language == "en",
                            screenshot=shoot,
                            checked=checked,
                        )
                        context.close()
                        totals["pages"] += len(result.pages)
                        for key, found in (
                            ("errors", result.errors),
                            ("overflow", result.overflow),
                            ("dead", result.dead_links),
                            ("untranslated", result.untranslated),
                        ):
                            totals[key] += len(found)
                            for finding in found:
                                print(f"[{username} {width}px {language}] {key}: {finding}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(
        f"{totals['pages']} 页次；超宽 {totals['overflow']}，失效链接 {totals['dead']}，"
        f"未翻译 {totals['untranslated']}，错误 {totals['errors']}。截图在 {out}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
