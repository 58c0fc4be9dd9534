"""Time the city's monthly bulletin (.docx + .xlsx, with charts) and a leader's brief.

    .venv/bin/python bench/documents.py            # build the city set once (cached), then measure
    .venv/bin/python bench/documents.py --rebuild  # build it again

The set: `seed_demo --projects 5000 --report-years 2` (a large city: 5,000 projects with
this year's and last year's reports, problems, meetings) in var/bench/kp_docs.sqlite3,
rebuilt when the seed options, the generators or the month change. Acting as the city
administrator (`admin`) for the last ended month, the run times, 5 times after 1 warm-up
(p50, max):

- baseline: `indicators_compute` of the city, every value and series read (the figures
  the bulletin stands on, nothing written);
- the bulletin: the snapshot (`snapshot_take`), the two charts (matplotlib), the .docx
  and the .xlsx, i.e. what drafting plus one download of each file costs;
- the brief of the demo leader (`leader`): `brief_get` and its .docx, 10 times after 2.

and prints the ratio of each to the baseline. Targets: bulletin ≤ 3 s, brief ≤ 1 s (p50).
"""

import argparse
import hashlib
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from indicators import timed  # noqa: E402 - the same timing loop as the indicators benchmark

DB = ROOT / "var" / "bench" / "kp_docs.sqlite3"
MARKER = DB.with_suffix(".built")
PROJECTS, REPORT_YEARS, SEED = 5000, 2, 20261201
TARGETS_MS = {"bulletin": 3000.0, "brief": 1000.0}


def _key() -> str:
    generators = b"".join((ROOT / path).read_bytes() for path in ("apps/projects/demo.py", "apps/reporting/demo.py"))
    month = time.strftime("%Y-%m")
    return f"projects={PROJECTS} years={REPORT_YEARS} seed={SEED} month={month} gen={hashlib.sha256(generators).hexdigest()[:16]}"


def build(rebuild: bool) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{DB}"}
    python = str(ROOT / ".venv" / "bin" / "python")
    if not rebuild and DB.exists() and MARKER.exists() and MARKER.read_text().strip() == _key():
        subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
        return
    DB.parent.mkdir(parents=True, exist_ok=True)
    for path in (DB, MARKER):
        path.unlink(missing_ok=True)
    print(f"== building {DB.name}: seed_demo --projects {PROJECTS} --report-years {REPORT_YEARS}", flush=True)
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [
            python,
            "manage.py",
            "seed_demo",
            "--projects",
            str(PROJECTS),
            "--report-years",
            str(REPORT_YEARS),
            "--seed",
            str(SEED),
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-v0",
            "-c",
            "from django.db import connection; connection.cursor().execute('ANALYZE')",
        ],
        cwd=ROOT,
        env=env,
        check=True,
    )
    MARKER.write_text(_key())


def measure() -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.utils import timezone

    from apps.accounts.models import User
    from apps.briefs import render as brief_render
    from apps.briefs import selectors as brief_selectors
    from apps.bulletins import render
    from apps.bulletins.models import BulletinKind
    from apps.bulletins.periods import period_make
    from apps.bulletins.snapshot import snapshot_take
    from apps.documents import charts
    from apps.projects.models import Project
    from apps.statistics.indicators import indicators_compute

    admin = User.objects.get(username="admin")
    leader = User.objects.get(username="leader")
    city = admin.region
    today = timezone.localdate()
    year, month = (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)
    period = period_make(kind=BulletinKind.MONTH, year=year, month=month)
    sizes = {"projects": Project.objects.filter(region__code__startswith=city.code_prefix).count()}

    def baseline():
        report = indicators_compute(user=admin, region=city, year=year, month=month)
        [item.value for item in report.indicators.values()]
        [point.values for name in ("by_month", "by_county", "by_category") for point in getattr(report, name)]
        list(report.not_started[:200])

    state = {}

    def bulletin():
        snapshot = snapshot_take(user=admin, region=city, period=period)
        images = render.bulletin_charts(snapshot)
        docx = render.bulletin_docx(snapshot, requirements="加快推进项目开工。", chart_images=images)
        xlsx = render.bulletin_xlsx(snapshot, requirements="加快推进项目开工。", chart_images=images)
        state.update(docx=len(docx), xlsx=len(xlsx), charts=len(images), red=len(snapshot["lights"]["red"]))

    def brief():
        data = brief_selectors.brief_get(user=leader, person=leader.person, year=year, month=month)
        state.update(brief=len(brief_render.brief_docx(data, day=today)), brief_projects=len(data.projects))

    results = {
        "baseline": timed(baseline, 5, 1),
        "bulletin": timed(bulletin, 5, 1),
        "brief": timed(brief, 10, 2),
    }
    base = statistics.median(results["baseline"])
    print(
        f"\nCity {city.name}: {sizes['projects']} projects; period 1-{month}月 {year}; "
        f"CJK font: {charts.cjk_font_path() or 'none (charts left out)'}"
    )
    print(
        f"bulletin files: docx {state['docx'] // 1024} KB, xlsx {state['xlsx'] // 1024} KB, "
        f"{state['charts']} charts, {state['red']} red projects; brief docx {state['brief'] // 1024} KB "
        f"({state['brief_projects']} projects)\n"
    )
    print(f"{'measure':<10} {'runs':>4} {'p50 ms':>9} {'max ms':>9} {'× baseline':>11} {'target':>9}")
    failed = False
    for name, times in results.items():
        p50 = statistics.median(times)
        target = TARGETS_MS.get(name)
        verdict = ""
        if target:
            verdict = f"{'ok' if p50 <= target else 'OVER'} ≤{target / 1000:g} s"
            failed |= p50 > target
        print(f"{name:<10} {len(times):>4} {p50:>9.0f} {max(times):>9.0f} {p50 / base:>10.1f}× {verdict:>9}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    build(args.rebuild)
    measure()
