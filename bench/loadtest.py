"""The month-end spike: a bounded load test against the production stack (bench/README.md).

    .venv/bin/python bench/loadtest.py            # build the data set once (cached), then run

gunicorn (keyprojects/gunicorn.conf.py) + PostgreSQL + Redis (cache, broker) + a Celery
worker and beat, started here on loopback, DEBUG off. A fresh copy of a seeded database
(`seed_demo --projects N --report-years 1`, built once as a template) for every run; the
open period is last month (the seed leaves it partly reported). Then, in one run:

1. baseline: a bare Django view doing one indexed read (`/bench/baseline/<id>`, routed only
   with BENCH_ENDPOINTS=1), closed loop with as many clients as the mixed phase;
2. the month end: owner-unit reporters open 我的月报, open a project's form, fill and submit
   it (the page's form POST, CSRF and all); county users open 审核队列 and verify submitted
   reports (page POST); city leaders open 调度看板. Closed loop, no think time: the
   sustained rate is what the server keeps up with. Bounded by --duration and --requests.

It prints throughput and p50/p95/p99 per request kind and errors, then checks in the
database: no report lost (every submit the client saw succeed is there, submitted or
verified, with the amount sent), none duplicated (one per project and month), and exactly
one change record per change (a fill-and-submit is two: saved, submitted; a verification
one), tied to the requests by their X-Request-ID.

Logins are done ahead (sessions created for the users, as after a morning's login): the
password hash's deliberate cost is not the month-end's load.

Environment: BENCH_LOAD_PG (postgres://postgres@127.0.0.1:5432), BENCH_LOAD_DB (kp_load; its
template is <db>_template), BENCH_LOAD_REDIS_URL (redis://127.0.0.1:6379/9, flushed),
BENCH_LOAD_PORT (8089).
"""

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
VAR = ROOT / "var" / "bench" / "load"
PG = os.environ.get("BENCH_LOAD_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_LOAD_DB", "kp_load")
TEMPLATE = f"{DB}_template"
REDIS_URL = os.environ.get("BENCH_LOAD_REDIS_URL", "redis://127.0.0.1:6379/9")
PORT = int(os.environ.get("BENCH_LOAD_PORT", "8089"))
BASE = f"http://127.0.0.1:{PORT}"


def env(db: str = DB, **extra) -> dict:
    values = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keyprojects.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-secret-key-load-test",
        "DATABASE_URL": f"{PG}/{db}",
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BENCH_ENDPOINTS": "1",
        "CONN_MAX_AGE": "60",
        "STATIC_ROOT": str(VAR / "static"),
        "LOG_LEVEL": "WARNING",
        "GUNICORN_ACCESS_LOG": "",
        # A plain-HTTP rig on loopback: no HTTPS redirect or secure-only cookies, one factor.
        "KP_HTTPS": "0",
        "KP_REQUIRE_2FA": "0",
    }
    values.update({key: str(value) for key, value in extra.items()})
    return values


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, check=True, **kwargs)


def psql(sql: str, db: str = "postgres") -> str:
    return run(["psql", f"{PG}/{db}", "-Atc", sql], capture_output=True, text=True).stdout.strip()


# --- the data set ---------------------------------------------------------------------------


def build(projects: int, rebuild: bool) -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    marker = VAR / f"{TEMPLATE}.built"
    generators = run(
        ["sha256sum", "apps/projects/demo.py", "apps/reporting/demo.py"], capture_output=True, text=True
    ).stdout
    key = json.dumps({"projects": projects, "month": time.strftime("%Y-%m"), "generators": generators})
    exists = psql(f"SELECT 1 FROM pg_database WHERE datname = '{TEMPLATE}'") == "1"
    if exists and not rebuild and marker.exists() and marker.read_text().splitlines()[0] == key:
        print(f"== data set: cached ({TEMPLATE}: {marker.read_text().splitlines()[1]})")
        run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env=env(TEMPLATE))
        return
    if exists:
        psql(f'DROP DATABASE "{TEMPLATE}"')
    psql(f'CREATE DATABASE "{TEMPLATE}"')
    print(f"== data set: seed_demo --projects {projects} --report-years 1 into {TEMPLATE}")
    started = time.monotonic()
    run([str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env=env(TEMPLATE))
    run(
        [str(BIN / "python"), "manage.py", "seed_demo", "--projects", str(projects), "--report-years", "1"],
        env=env(TEMPLATE),
        stdout=subprocess.DEVNULL,
    )
    psql("VACUUM ANALYZE", TEMPLATE)
    seconds = time.monotonic() - started
    marker.write_text(f"{key}\nseeded in {seconds:.0f} s\n")
    print(f"   seeded in {seconds:.0f} s")


def fresh_copy() -> None:
    psql(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{DB}" TEMPLATE "{TEMPLATE}"')


# --- inside Django (this script run with --internal) -----------------------------------------


def internal_prepare(reporters: int, counties: int, leaders: int, seed: int = 20261201) -> dict:
    """Users with sessions: reporters of the owner units with most projects due, one county
    user per county with most, city leaders. Returns their cookies and the baseline ids."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.db.models import Count

    from apps.accounts.models import Role, User
    from apps.audit.models import ChangeRecord
    from apps.projects.models import Project
    from apps.regions.models import Region, RegionLevel
    from apps.reporting.models import MonthlyReport, PeriodStatus, ReportingPeriod

    period = ReportingPeriod.objects.filter(status=PeriodStatus.OPEN).order_by("-year", "-month").first()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    # the backend a password login records (axes' backend, listed first, only guards logins)
    backend = "django.contrib.auth.backends.ModelBackend"

    def session_for(user) -> str:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = backend
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    # Owner units of ordinary size (3 to 50 projects; a few demo units hold thousands, whose
    # single page is no reporter's morning), in a fixed random order: reporters come one unit
    # after another, as a month's last days bring them.
    units = list(
        Project.objects.filter(stage__in=["under_construction", "preliminary"])
        .values("owner_unit_id")
        .annotate(n=Count("id"))
        .filter(n__gte=3, n__lte=50)
        .order_by("owner_unit_id")
    )
    random.Random(seed).shuffle(units)
    units = units[: reporters * 25]
    city = Region.objects.filter(level=RegionLevel.CITY).order_by("pk").first()
    county_regions = Region.objects.filter(parent=city).annotate(n=Count("project")).order_by("-n", "pk")[:counties]
    users = []
    run = secrets.token_hex(3)  # users of their own per run: an --in-place set keeps those of earlier runs
    for index, unit in enumerate(units):
        user = User.objects.create(
            username=f"load_owner_{run}_{index}", role=Role.OWNER_REPORTER, organisation_id=unit["owner_unit_id"]
        )
        users.append({"kind": "reporter", "session": session_for(user), "unit": unit["owner_unit_id"]})
    for index, region in enumerate(county_regions):
        user = User.objects.create(username=f"load_county_{run}_{index}", role=Role.COUNTY_USER, region=region)
        users.append({"kind": "county", "session": session_for(user), "region": region.pk})
    for index in range(leaders):
        user = User.objects.create(username=f"load_leader_{run}_{index}", role=Role.CITY_LEADER, region=city)
        users.append({"kind": "leader", "session": session_for(user), "region": city.pk})
    ids = list(Project.objects.order_by("?").values_list("pk", flat=True)[:1000])
    # the month as the load finds it: which changes a fill-and-submit will make
    initial = dict(
        MonthlyReport.objects.filter(
            year=period.year, month=period.month, project__owner_unit_id__in=[u["owner_unit_id"] for u in units]
        ).values_list("project_id", "status")
    )
    return {
        "initial": {str(pid): status for pid, status in initial.items()},
        "period": [period.year, period.month],
        "users": users,
        "baseline_ids": ids,
        "projects": Project.objects.count(),
        # records of earlier runs on an --in-place set are not this run's strays
        "records_before": ChangeRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0,
    }


def internal_check(outcome_path: str) -> dict:
    import django

    django.setup()
    from decimal import Decimal

    from django.db import connection
    from django.db.models import Count

    from apps.audit.models import ChangeRecord
    from apps.reporting.models import MonthlyReport, ReportStatus

    outcome = json.loads(Path(outcome_path).read_text())
    year, month = outcome["period"]
    reports = MonthlyReport.objects.filter(year=year, month=month)
    duplicated = reports.values("project_id").annotate(n=Count("id")).filter(n__gt=1).count()
    with connection.cursor() as cursor:  # the constraint is there (a duplicate could not exist)
        cursor.execute("SELECT count(*) FROM pg_constraint WHERE conname = 'monthly_report_one_per_month'")
        constraint = cursor.fetchone()[0] == 1
    submitted = outcome["submitted"]  # project id -> [amount, request id]
    found = {
        r.project_id: r
        for r in reports.filter(project_id__in=[int(p) for p in submitted]).only(
            "project_id", "status", "completed_investment"
        )
    }
    lost = [
        pid
        for pid, (amount, _) in submitted.items()
        if int(pid) not in found
        or found[int(pid)].status not in (ReportStatus.SUBMITTED, ReportStatus.VERIFIED)
        or found[int(pid)].completed_investment != Decimal(amount)
    ]
    request_ids = [rid for _, rid in submitted.values()] + [rid for rid in outcome["verified"]]
    per_request = defaultdict(list)
    for rid, action, object_id, after in (
        # The client's X-Request-ID is kept as the correlation id (the server numbers requests).
        ChangeRecord.objects.filter(correlation_id__in=request_ids)
        .order_by("id")
        .values_list("correlation_id", "action", "object_id", "after")
    ):
        per_request[rid].append((action, object_id, (after or {}).get("status")))
    bad_records = []
    initial = outcome["initial"]
    for pid, (_, rid) in submitted.items():
        records = per_request.get(rid, [])
        # One record per change: a new or draft/returned report is saved, then submitted (two);
        # a report already submitted is only saved (one). All of the same report, ending submitted.
        expected = 1 if initial.get(pid) == ReportStatus.SUBMITTED else 2
        if (
            len(records) != expected
            or len({object_id for _, object_id, _ in records}) != 1
            or records[-1][2] != ReportStatus.SUBMITTED
        ):
            bad_records.append((rid, initial.get(pid), records))
    for rid in outcome["verified"]:
        records = per_request.get(rid, [])
        if len(records) != 1 or records[0][2] != ReportStatus.VERIFIED:
            bad_records.append((rid, records))
    stray = (
        ChangeRecord.objects.filter(correlation_id__startswith="load-", id__gt=outcome.get("records_before", 0))
        .exclude(correlation_id__in=request_ids)
        .count()
    )
    return {
        "reports_in_period": reports.count(),
        "submitted_by_load": len(submitted),
        "verified_by_load": len(outcome["verified"]),
        "lost": len(lost),
        "duplicated": duplicated,
        "unique_constraint": constraint,
        "change_records_checked": sum(len(v) for v in per_request.values()),
        "bad_change_records": len(bad_records),
        "bad_examples": bad_records[:3],
        "stray_records": stray,
    }


# --- the processes ----------------------------------------------------------------------------


class Stack:
    def __init__(self, workers: int, threads: int):
        self.workers, self.threads = workers, threads
        self.processes = []

    def start(self):
        logs = VAR / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        extra = {
            "WEB_CONCURRENCY": self.workers,
            "GUNICORN_THREADS": self.threads,
            "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        }
        commands = {
            "gunicorn": [str(BIN / "gunicorn"), "-c", "keyprojects/gunicorn.conf.py", "keyprojects.wsgi"],
            "worker": [str(BIN / "celery"), "-A", "keyprojects", "worker", "--concurrency=1", "--loglevel=warning"],
            "beat": [
                str(BIN / "celery"), "-A", "keyprojects", "beat", "--loglevel=warning",
                f"--schedule={VAR / 'beat-schedule'}",
            ],
        }  # fmt: skip
        for name, command in commands.items():
            log = (logs / f"{name}.log").open("w")
            self.processes.append(
                subprocess.Popen(
                    command, cwd=ROOT, env=env(**extra), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
                )
            )
        import httpx

        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{BASE}/healthz?strict=1", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(1)
        raise SystemExit(f"the stack did not become healthy; see {logs}")

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- the client -------------------------------------------------------------------------------

FILL_LINK = re.compile(r'href="/reports/fill/(\d+)/"')
VERSION = re.compile(r'name="version"[^>]*value="(\d*)"|value="(\d*)"[^>]*name="version"')
# The queue's submitted rows: a checkbox "id:version" (the version the reviewer loaded, which
# a verification must send back, or it is refused).
QUEUE_ROW = re.compile(r'name="report" value="(\d+):(\d+)"')


class Recorder:
    def __init__(self, deadline: float, max_requests: int, think: float = 0.0):
        self.deadline, self.max_requests, self.think = deadline, max_requests, think
        self.latencies = defaultdict(list)
        self.errors = defaultdict(int)
        self.error_examples = []
        self.count = 0
        self.submitted = {}
        self.verified = []

    def more(self) -> bool:
        return self.count < self.max_requests and time.monotonic() < self.deadline

    async def call(self, client, kind: str, method: str, url: str, *, expect=(200,), **kwargs):
        self.count += 1
        started = time.perf_counter()
        try:
            response = await client.request(method, url, **kwargs)
        except Exception as exc:  # a refused or dropped connection is an error of the run
            self.errors[kind] += 1
            self.error_examples.append(f"{kind} {url}: {type(exc).__name__}")
            return None
        self.latencies[kind].append(time.perf_counter() - started)
        if self.think:  # a person reading the page before the next click (--think)
            await asyncio.sleep(random.uniform(0.5, 1.5) * self.think)
        if response.status_code not in expect:
            self.errors[kind] += 1
            reason = " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>\s*<li>([^<]+)', response.text)[:2])
            self.error_examples.append(f"{kind} {url}: HTTP {response.status_code} {reason}".strip())
            return None
        return response


def client_for(user: dict, csrf: str):
    import httpx

    return httpx.AsyncClient(
        base_url=BASE,
        timeout=60,
        cookies={"sessionid": user["session"], "csrftoken": csrf},
        headers={"Referer": BASE + "/"},
        follow_redirects=False,
        # A connection idle past gunicorn's keep-alive (GUNICORN_KEEPALIVE, 5 s; gthread
        # workers keep connections) is closed by the server: a client reusing it after a
        # long think would read a closed socket. A browser retries that; httpx does not.
        limits=httpx.Limits(max_connections=1, keepalive_expiry=2),
    )


async def post_form(recorder: Recorder, client, kind: str, url: str, csrf: str, data: dict):
    """A page's form POST (a redirect is its success), under a request id of its own."""
    request_id = f"load-{uuid.uuid4().hex}"
    response = await recorder.call(
        client,
        kind,
        "POST",
        url,
        expect=(302,),
        headers={"X-Request-ID": request_id, "X-CSRFToken": csrf},
        data={"csrfmiddlewaretoken": csrf, **data},
    )
    return response, request_id


async def reporter(user, recorder: Recorder, rng: random.Random):
    csrf = secrets.token_hex(16)
    done = set()
    async with client_for(user, csrf) as client:
        while recorder.more():
            page = await recorder.call(client, "reporter: 我的月报", "GET", "/reports/")
            if page is None:
                continue
            due = [pid for pid in FILL_LINK.findall(page.text) if pid not in done]
            if not due:
                return  # this unit's month is reported
            pid = due[0]
            form = await recorder.call(client, "reporter: 填报表单", "GET", f"/reports/fill/{pid}/")
            if form is None or not recorder.more():
                continue
            match = VERSION.search(form.text)
            version = (match.group(1) or match.group(2) or "") if match else ""
            amount = f"{rng.randint(1, 99999)}.{rng.randint(0, 9999):04d}"
            saved, request_id = await post_form(
                recorder,
                client,
                "reporter: 填报并报送",
                f"/reports/fill/{pid}/",
                csrf,
                {
                    "version": version,
                    "completed_investment": amount,
                    "physical_progress": "按计划推进，主体施工中",
                    "percent_complete": str(rng.randint(1, 99)),
                    "problems": "",
                    "next_steps": "继续推进",
                    "notes": "",
                    "submit": "1",
                },
            )
            done.add(pid)
            if saved is not None and "/reports/fill/" not in saved.headers.get("location", "/reports/fill/"):
                recorder.submitted[pid] = [amount, request_id]


async def county(user, recorder: Recorder):
    csrf = secrets.token_hex(16)
    tried = set()
    async with client_for(user, csrf) as client:
        while recorder.more():
            queue = await recorder.call(client, "county: 审核队列", "GET", "/reports/queue/")
            if queue is None:
                continue
            rows = [(rid, version) for rid, version in dict(QUEUE_ROW.findall(queue.text)).items() if rid not in tried]
            if not rows:
                await asyncio.sleep(0.5)  # nothing submitted yet in this county
                continue
            for rid, version in rows[:5]:
                if not recorder.more():
                    break
                tried.add(rid)
                verified, request_id = await post_form(
                    recorder, client, "county: 审核通过", f"/reports/{rid}/verify/", csrf, {"version": version}
                )
                if verified is not None:
                    recorder.verified.append(request_id)


async def leader(user, recorder: Recorder, period):
    async with client_for(user, "x" * 32) as client:
        while recorder.more():
            await recorder.call(
                client,
                "leader: 调度看板",
                "GET",
                "/dashboard/",
                params={"region": user["region"], "year": period[0], "month": period[1]},
            )


async def baseline(prepared, recorder: Recorder, clients: int):
    import httpx

    ids = prepared["baseline_ids"]

    async def one(n):
        async with httpx.AsyncClient(base_url=BASE, timeout=60, limits=httpx.Limits(max_connections=1)) as client:
            i = n
            while recorder.more():
                await recorder.call(client, "baseline: one indexed read", "GET", f"/bench/baseline/{ids[i % len(ids)]}")
                i += clients

    await asyncio.gather(*(one(n) for n in range(clients)))


async def reporter_seat(units: list, recorder: Recorder, rng: random.Random):
    """One of the concurrent reporters: unit after unit, each reporting its whole month."""
    while units and recorder.more():
        await reporter(units.pop(), recorder, rng)


async def cache_times(prepared, rounds: int = 5) -> dict:
    """The dashboard and the indicator API as a city leader sees them: cold (the cache emptied
    before each ask) and warm (asked again at once), sequential, before the load."""
    import redis

    leader_user = next(user for user in prepared["users"] if user["kind"] == "leader")
    year, month = prepared["period"]
    pages = {
        "调度看板 /dashboard/": ("/dashboard/", {"region": leader_user["region"], "year": year, "month": month}),
        "指标 API /api/v1/indicators": (
            "/api/v1/indicators",
            {"region": leader_user["region"], "year": year, "month": month, "ids": "false"},
        ),
    }
    store = redis.Redis.from_url(REDIS_URL)
    times = {}
    async with client_for(leader_user, "x" * 32) as client:
        for label, (url, params) in pages.items():
            cold, warm = [], []
            for _ in range(rounds):
                for key in store.scan_iter("kp:*figures:*"):
                    store.delete(key)
                for into in (cold, warm):
                    started = time.perf_counter()
                    response = await client.get(url, params=params)
                    into.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
            times[label] = {"cold_ms": round(statistics.median(cold)), "warm_ms": round(statistics.median(warm))}
    return times


async def month_end(prepared, recorder: Recorder, seed: int, seats: int, ramp: float = 0.0):
    rng = random.Random(seed)
    tasks = []
    units = [user for user in prepared["users"] if user["kind"] == "reporter"][::-1]

    async def after(delay: float, work):
        # Users arrive over the ramp, not all in the same instant (their first clicks would
        # otherwise queue behind each other: a start-up burst no month end has).
        await asyncio.sleep(delay)
        await work

    for _ in range(seats):
        tasks.append(after(rng.uniform(0, ramp), reporter_seat(units, recorder, random.Random(rng.random()))))
    for user in prepared["users"]:
        if user["kind"] == "reporter":
            continue
        if user["kind"] == "county":
            tasks.append(after(rng.uniform(0, ramp), county(user, recorder)))
        else:
            tasks.append(after(rng.uniform(0, ramp), leader(user, recorder, prepared["period"])))
    await asyncio.gather(*tasks)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))]


def table(recorder: Recorder, seconds: float) -> list[dict]:
    rows = []
    for kind in sorted(set(recorder.latencies) | set(recorder.errors)):
        values = recorder.latencies.get(kind, [])
        rows.append(
            {
                "kind": kind,
                "requests": len(values) + (recorder.errors.get(kind, 0) if not values else 0),
                "per_s": len(values) / seconds,
                "p50": percentile(values, 50) * 1000 if values else None,
                "p95": percentile(values, 95) * 1000 if values else None,
                "p99": percentile(values, 99) * 1000 if values else None,
                "errors": recorder.errors.get(kind, 0),
            }
        )
    return rows


def print_table(title: str, rows: list[dict], seconds: float, total: int):
    print(f"\n{title}: {total} requests in {seconds:.1f} s = {total / seconds:.1f} req/s")
    print(f"{'kind':<28} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for row in rows:

        def ms(value):
            return f"{value:8.0f}" if value is not None else "       -"

        print(
            f"{row['kind']:<28} {row['requests']:>8} {row['per_s']:>7.1f} {ms(row['p50'])} {ms(row['p95'])} "
            f"{ms(row['p99'])} {row['errors']:>6}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=int(os.environ.get("BENCH_LOAD_PROJECTS", 100000)))
    parser.add_argument("--reporters", type=int, default=48)
    parser.add_argument("--counties", type=int, default=6)
    parser.add_argument("--leaders", type=int, default=6)
    parser.add_argument("--duration", type=float, default=90, help="seconds of the month-end phase (at most)")
    parser.add_argument("--requests", type=int, default=30000, help="requests of the month-end phase (at most)")
    parser.add_argument("--baseline-duration", type=float, default=20)
    parser.add_argument(
        "--think", type=float, default=0.0, help="seconds a month-end user waits after each answer (0: closed loop)"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        help="seconds over which the month-end users start (default: --think × 1.5; 0: all at once)",
    )
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--web-threads", type=int, default=1)
    parser.add_argument(
        "--seed",
        type=int,
        default=20261201,
        help="which units report and what they send (vary it for --in-place reruns)",
    )
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--in-place",
        action="store_true",
        help="run on BENCH_LOAD_DB as it is (no build, no fresh copy: a kept set too large to copy, e.g. the "
        "national one); the run's reports stay in it",
    )
    parser.add_argument("--build-only", action="store_true", help="build the data set (if needed) and stop")
    parser.add_argument("--out", default=str(VAR / "results.json"))
    parser.add_argument("--internal", choices=["prepare", "check"], help=argparse.SUPPRESS)
    parser.add_argument("--internal-arg", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.internal == "prepare":
        print(json.dumps(internal_prepare(args.reporters, args.counties, args.leaders, args.seed)))
        return
    if args.internal == "check":
        print(json.dumps(internal_check(args.internal_arg), default=str))
        return

    if not args.in_place:
        build(args.projects, args.rebuild)
        if args.build_only:
            return
        fresh_copy()
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], env=env())
    prepared = json.loads(
        run(
            [sys.executable, __file__, "--internal", "prepare", "--reporters", str(args.reporters), "--seed", str(args.seed),
             "--counties", str(args.counties), "--leaders", str(args.leaders)],
            env=env(), capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    clients = args.reporters + sum(1 for user in prepared["users"] if user["kind"] != "reporter")
    stack = Stack(args.web_workers, args.web_threads)
    print(
        f"== stack: gunicorn {args.web_workers}×{args.web_threads}, Celery worker and beat, PostgreSQL {DB} "
        f"({prepared['projects']} projects), Redis {REDIS_URL}; period {prepared['period'][0]}-{prepared['period'][1]:02d}"
    )
    try:
        stack.start()
        cache = asyncio.run(cache_times(prepared))
        print("\ncache (median of 5, sequential; cold = cache emptied first):")
        for label, values in cache.items():
            print(f"  {label:<32} cold {values['cold_ms']:>6} ms   warm {values['warm_ms']:>6} ms")
        base = Recorder(time.monotonic() + args.baseline_duration, args.requests)
        started = time.monotonic()
        asyncio.run(baseline(prepared, base, clients))
        base_seconds = time.monotonic() - started
        base_rows = table(base, base_seconds)
        print_table(f"baseline ({clients} clients)", base_rows, base_seconds, base.count)

        load = Recorder(time.monotonic() + args.duration, args.requests, args.think)
        started = time.monotonic()
        ramp = args.think * 1.5 if args.ramp is None else args.ramp
        asyncio.run(month_end(prepared, load, args.seed, args.reporters, ramp))
        seconds = time.monotonic() - started
        rows = table(load, seconds)
        kinds = defaultdict(int, reporter=args.reporters)
        for user in prepared["users"]:
            if user["kind"] != "reporter":
                kinds[user["kind"]] += 1
        print_table(
            f"month end ({kinds['reporter']} reporters, {kinds['county']} county users, {kinds['leader']} leaders)",
            rows,
            seconds,
            load.count,
        )
    finally:
        stack.stop()

    outcome = {
        "period": prepared["period"],
        "initial": prepared["initial"],
        "records_before": prepared["records_before"],
        "submitted": load.submitted,
        "verified": load.verified,
    }
    outcome_path = VAR / "outcome.json"
    outcome_path.write_text(json.dumps(outcome))
    checked = json.loads(
        run(
            [sys.executable, __file__, "--internal", "check", "--internal-arg", str(outcome_path)],
            env=env(), capture_output=True, text=True,
        ).stdout
    )  # fmt: skip
    base_rate = sum(r["per_s"] for r in base_rows)
    load_rate = sum(r["per_s"] for r in rows)
    submit = next((r for r in rows if r["kind"] == "reporter: 填报并报送"), None)
    summary = {
        "baseline_req_s": round(base_rate, 1),
        "month_end_req_s": round(load_rate, 1),
        "ratio": round(load_rate / base_rate, 3) if base_rate else None,
        "submit_p95_ms": round(submit["p95"]) if submit and submit["p95"] else None,
        "cache": cache,
        "errors": sum(load.errors.values()),
        "error_examples": load.error_examples[:5],
        **checked,
    }
    print("\nchecks:", json.dumps(summary, ensure_ascii=False, indent=1, default=str))
    Path(args.out).write_text(
        json.dumps(
            {"args": vars(args), "baseline": base_rows, "month_end": rows, "summary": summary, "when": time.ctime()},
            ensure_ascii=False,
            indent=1,
            default=str,
        )
    )
    ok = (
        summary["errors"] == 0
        and checked["lost"] == 0
        and checked["duplicated"] == 0
        and checked["bad_change_records"] == 0
        and checked["stray_records"] == 0
    )
    print("\nresult:", "OK" if ok else "FAILED", f"(results in {args.out})")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    main()
