"""Import a generated 50,000-row plan workbook four ways in one run; see bench/README.md.

    .venv/bin/python bench/imports.py            # build (cached) and measure all contenders
    .venv/bin/python bench/imports.py --rows 5000

Each contender runs in its own process on its own copy of one seeded SQLite database (the
demo city: its regions, units and leaders are what the sheet names), so peak memory
(ru_maxrss) is that contender's alone:

- keyprojects: `import_batch_commit` — reads the file with calamine, finds the layout,
  validates every row with the models' rules, matches existing projects, writes projects,
  annual plans and one change record per object in one transaction (a whole import on its
  own: it trusts nothing the preview found). The preview before it (the same reading and
  checking, nothing written) is timed apart, and the two together are reported too;
- iex-default: django-import-export 4 (ModelResource, the same columns through its widgets,
  the file loaded by its own xlsx format), default settings;
- iex-tuned: the same with use_bulk, skip_diff and force_init_instance;
- floor: a bare calamine read and bulk_create of the same projects and plans, no checks.

django-import-export writes projects only (its resources import one model), which flatters it.
"""

import argparse
import datetime
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIR = ROOT / "var" / "bench" / "imports"
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keyprojects.settings")

HEADER = [
    "序号",
    "项目名称",
    "项目代码",
    "所在县区",
    "项目级别",
    "项目类别",
    "投资主体",
    "建设性质",
    "建设内容及规模",
    "计划开工日期",
    "计划竣工日期",
    "总投资",
    "2026年计划投资",
    "包抓领导",
    "牵头单位",
    "建设单位",
]
TARGETS = {"iex-default": 6.0, "iex-tuned": 2.0}  # KeyProjects at least this many times faster
FLOOR_TARGET = 1.5  # KeyProjects within this many times of the floor (with the parser process in place)
UPLOAD_TARGET_MB = 300  # peak RSS of the web process while it takes a 20 MB upload
UPLOAD_PORT = int(os.environ.get("BENCH_UPLOAD_PORT", 8110))
MEMORY_TARGET_MB = 400
CATEGORY = {
    "基础设施": "infrastructure",
    "产业": "industry",
    "社会民生": "social",
    "新型城镇化": "urbanisation",
    "生态环保": "ecology",
}
INVESTOR = {"政府投资": "government", "企业投资": "enterprise", "民间投资": "private"}
LEVEL = {"省级重点": "provincial", "市级重点": "municipal", "县级重点": "county"}


# Production settings for every process: DEBUG=1 (the development default) logs every
# statement with its parameters, which costs each contender in proportion to its statements.
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "bench-only-secret-key"}


def run(command: list[str], env: dict | None = None) -> str:
    result = subprocess.run(
        command, cwd=ROOT, env={**os.environ, **PRODUCTION, **(env or {})}, capture_output=True, text=True
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"bench/imports.py: {' '.join(command[:3])} failed")
    return result.stdout


def build(rows: int) -> tuple[Path, Path]:
    """The seeded template database and the workbook, built once per row count."""
    DIR.mkdir(parents=True, exist_ok=True)
    template = DIR / "template.sqlite3"
    workbook = DIR / f"plan-{rows}.xlsx"
    key = (ROOT / "apps/projects/demo.py").read_bytes() + (ROOT / "bench/imports.py").read_bytes()
    marker = DIR / "built"
    stamp = f"{hash_bytes(key)} rows={rows}"
    if template.exists() and workbook.exists() and marker.exists() and marker.read_text() == stamp:
        return template, workbook
    template.unlink(missing_ok=True)
    url = {"DATABASE_URL": f"sqlite:///{template}"}
    print("== building the template database (migrate, seed_demo --projects 400)", flush=True)
    # Production settings serve static files from the collected manifest.
    run([sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], url)
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], url)
    run([sys.executable, "manage.py", "seed_demo", "--projects", "400"], url)
    print(f"== writing a {rows:,}-row plan workbook", flush=True)
    run([sys.executable, __file__, "--write-workbook", str(workbook), "--rows", str(rows)], url)
    marker.write_text(stamp)
    return template, workbook


def hash_bytes(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def write_workbook(path: Path, rows: int) -> None:
    import django

    django.setup()
    import xlsxwriter

    from apps.projects.models import Project
    from apps.regions.models import Organisation, Person, Region, RegionLevel

    rng = random.Random(20261122)
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    units = list(Organisation.objects.filter(kind="owner_unit").order_by("pk").values_list("name", flat=True))
    # A name two units share is refused by the import as ambiguous (the national set repeats names).
    shared = Counter(units)
    units = [name for name in units if shared[name] == 1]
    departments = list(Organisation.objects.filter(kind="department").order_by("pk").values_list("name", flat=True))
    leaders = list(Person.objects.filter(is_city_leader=True).order_by("pk").values_list("name", flat=True))
    # Codes the set already holds are skipped (none in the 400-project set; a few in the national one,
    # whose serial numbers go round), so that every row is a new project.
    taken = set(
        Project.objects.filter(project_code__startswith="2026-", project_code__contains="-48-01-").values_list(
            "project_code", flat=True
        )
    )
    serial = 900000
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("项目计划")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write(0, 0, "示范市2026年重点项目计划表")
    sheet.write(1, 0, "单位：万元")
    for col, label in enumerate(HEADER):
        sheet.write(2, col, label)
    for index in range(rows):
        county = counties[index % len(counties)]
        start = datetime.date(2026, rng.randint(1, 12), 1)
        total = Decimal(rng.randint(5000, 500000))
        while f"2026-{county.code}-48-01-{serial:06d}" in taken:
            serial += 1
        values = [
            index + 1,
            f"基准导入项目{index + 1:06d}",
            # Serial numbers above any the demo city uses, so every row is a new project.
            f"2026-{county.code}-48-01-{serial:06d}",
            county.name,
            rng.choice(list(LEVEL)),
            rng.choice(list(CATEGORY)),
            rng.choice(list(INVESTOR)),
            rng.choice(["新开工", "前期"]),
            f"新建厂房及配套设施 {rng.randint(1, 90)} 万平方米",
            start,
            datetime.date(start.year + rng.randint(1, 3), 12, 31),
            float(total),
            float((total * Decimal(rng.randint(10, 60)) / 100).quantize(Decimal(1))),
            rng.choice(leaders),
            rng.choice(departments),
            rng.choice(units),
        ]
        serial += 1
        for col, value in enumerate(values):
            if isinstance(value, datetime.date):
                sheet.write_datetime(index + 3, col, value, date)
            else:
                sheet.write(index + 3, col, value)
    book.close()


# --- contenders (each in its own process) ---------------------------------------------------


def contender(name: str, workbook: Path) -> dict:
    import django

    django.setup()
    from django.db import connection

    from apps.projects.models import AnnualPlan, Project

    before = Project.objects.count()
    started = time.perf_counter()
    extra = CONTENDERS[name](workbook)
    seconds = time.perf_counter() - started
    connection.close()
    # A contender that times a part of its work (KeyProjects: the commit) says so in `extra`.
    return {
        "name": name,
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "projects": Project.objects.count() - before,
        "plans": AnnualPlan.objects.filter(year=2026, project__name__startswith="基准导入项目").count(),
        **(extra or {}),
    }


def run_keyprojects(workbook: Path) -> dict:
    from apps.accounts.models import User
    from apps.audit.models import ChangeRecord
    from apps.core.context import command_context
    from apps.imports.models import BatchStatus
    from apps.imports.services import import_batch_commit, import_batch_create, import_batch_preview

    actor = User.objects.get(username="admin")
    with command_context("bench"):
        batch = import_batch_create(actor=actor, kind="plan", file_name=workbook.name, content=workbook.read_bytes())
        # The preview is what the user looks at before confirming; timed apart from the import.
        started = time.perf_counter()
        batch = import_batch_preview(batch_id=batch.pk)
        preview = time.perf_counter() - started
        assert batch.status == BatchStatus.PREVIEWED, (batch.message, batch.preview[:3])
        started = time.perf_counter()
        batch = import_batch_commit(actor=actor, batch_id=batch.pk)
        commit = time.perf_counter() - started
    return {
        "batch": batch.pk,
        "seconds": commit,
        "preview_seconds": preview,
        "change_records": ChangeRecord.objects.filter(request_id=batch.request_id).count(),
    }


def _iex_resource(tuned: bool):
    from import_export import fields, resources, widgets

    from apps.projects.models import Project
    from apps.regions.models import Organisation, Person, Region

    class ChoiceWidget(widgets.Widget):
        def __init__(self, mapping):
            super().__init__()
            self.mapping = mapping

        def clean(self, value, row=None, **kwargs):
            return self.mapping.get(value, value)

    class ProjectResource(resources.ModelResource):
        name = fields.Field(attribute="name", column_name="项目名称")
        project_code = fields.Field(attribute="project_code", column_name="项目代码")
        region = fields.Field(
            attribute="region", column_name="所在县区", widget=widgets.ForeignKeyWidget(Region, "name")
        )
        level = fields.Field(attribute="level", column_name="项目级别", widget=ChoiceWidget(LEVEL))
        category = fields.Field(attribute="category", column_name="项目类别", widget=ChoiceWidget(CATEGORY))
        investor_type = fields.Field(attribute="investor_type", column_name="投资主体", widget=ChoiceWidget(INVESTOR))
        stage = fields.Field(
            attribute="stage",
            column_name="建设性质",
            widget=ChoiceWidget({"新开工": "preliminary", "前期": "preliminary"}),
        )
        scope = fields.Field(attribute="scope", column_name="建设内容及规模")
        planned_start_date = fields.Field(
            attribute="planned_start_date", column_name="计划开工日期", widget=widgets.DateWidget()
        )
        planned_end_date = fields.Field(
            attribute="planned_end_date", column_name="计划竣工日期", widget=widgets.DateWidget()
        )
        total_investment = fields.Field(
            attribute="total_investment", column_name="总投资", widget=widgets.DecimalWidget()
        )
        lead_official = fields.Field(
            attribute="lead_official", column_name="包抓领导", widget=widgets.ForeignKeyWidget(Person, "name")
        )
        lead_department = fields.Field(
            attribute="lead_department", column_name="牵头单位", widget=widgets.ForeignKeyWidget(Organisation, "name")
        )
        owner_unit = fields.Field(
            attribute="owner_unit", column_name="建设单位", widget=widgets.ForeignKeyWidget(Organisation, "name")
        )

        class Meta:
            model = Project
            import_id_fields = ("project_code",)
            fields = (
                "name",
                "project_code",
                "region",
                "level",
                "category",
                "investor_type",
                "stage",
                "scope",
                "planned_start_date",
                "planned_end_date",
                "total_investment",
                "lead_official",
                "lead_department",
                "owner_unit",
            )
            clean_model_instances = True
            if tuned:
                use_bulk = True
                skip_diff = True
                force_init_instance = True
                batch_size = 1000

    return ProjectResource()


def _iex(workbook: Path, tuned: bool) -> dict:
    import tablib

    # Its own xlsx loader (tablib + openpyxl), as its admin import does; title rows dropped.
    data = tablib.Dataset().load(workbook.read_bytes(), format="xlsx", headers=False)
    dataset = tablib.Dataset(*[row for row in data][3:], headers=list(data[2]))
    result = _iex_resource(tuned).import_data(dataset, dry_run=False, raise_errors=True)
    return {"errors": len(result.row_errors())}


def run_floor(workbook: Path) -> dict:
    from python_calamine import CalamineWorkbook

    from apps.projects.models import AnnualPlan, Project
    from apps.regions.models import Organisation, Person, Region

    rows = CalamineWorkbook.from_path(str(workbook)).get_sheet_by_index(0).to_python()[3:]
    regions = dict(Region.objects.values_list("name", "pk"))
    units = dict(Organisation.objects.values_list("name", "pk"))
    people = dict(Person.objects.filter(is_city_leader=True).values_list("name", "pk"))
    projects = [
        Project(
            name=row[1],
            project_code=row[2],
            region_id=regions[row[3]],
            level=LEVEL[row[4]],
            category=CATEGORY[row[5]],
            investor_type=INVESTOR[row[6]],
            stage="preliminary",
            scope=row[8],
            planned_start_date=row[9],
            planned_end_date=row[10],
            total_investment=Decimal(repr(row[11])),
            lead_official_id=people[row[13]],
            lead_department_id=units[row[14]],
            owner_unit_id=units[row[15]],
        )
        for row in rows
    ]
    Project.objects.bulk_create(projects, batch_size=1000)
    AnnualPlan.objects.bulk_create(
        [
            AnnualPlan(project=p, year=2026, planned_investment=Decimal(repr(row[12])))
            for p, row in zip(projects, rows, strict=True)
        ],
        batch_size=1000,
    )


CONTENDERS = {
    "keyprojects": run_keyprojects,
    "iex-default": lambda workbook: _iex(workbook, tuned=False),
    "iex-tuned": lambda workbook: _iex(workbook, tuned=True),
    "floor": run_floor,
}


# --- the web process during a 20 MB upload ------------------------------------------------


def upload_file(path: Path, size: int) -> Path:
    """A plan list as CSV, just under the upload cap: the largest file a user may send."""
    if path.exists() and path.stat().st_size <= size and path.stat().st_size > size * 0.95:
        return path
    lines = [",".join([*HEADER[:9], "总投资", "2026年计划投资"])]
    written, index = len(lines[0]) + 1, 0
    filler = "新建厂房及配套设施，建设内容详见可行性研究报告批复" * 4
    while True:
        index += 1
        line = f"{index},基准上传项目{index:06d},,甲区,市级重点,产业,企业投资,新开工,{filler}{index},20000,5000"
        if written + len(line.encode()) + 1 > size:
            break
        lines.append(line)
        written += len(line.encode()) + 1
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def measure_upload(template: Path) -> dict:
    """Serve the app with gunicorn (one worker, production settings, its own copy of the
    database), send a 20 MB file to the API with curl, and read the worker's peak RSS
    (VmHWM). A file above KP_IMPORT_INLINE_MAX_BYTES is previewed as a job: the web process
    stores it and answers 202 (no worker runs here: the broker is in-memory and the job waits).
    For information, the same upload with the preview forced into the request (the limit
    raised above the file) is measured too; the parser itself runs in its own limited
    process (KP_IMPORT_PARSER_MEMORY_MB) either way."""
    database = DIR / "run-upload.sqlite3"
    shutil.copyfile(template, database)
    content = upload_file(DIR / "upload-20mb.csv", 20 * 1024 * 1024 - 64 * 1024)
    env = {
        **os.environ,
        **PRODUCTION,
        "DATABASE_URL": f"sqlite:///{database}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # A plain-HTTP loopback rig (as tests/processes.py): production's HTTPS redirect
        # answered 301 before the body was read, which measured nothing.
        "KP_HTTPS": "0",
        "KP_REQUIRE_2FA": "0",
    }
    token = (
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from apps.accounts.models import APIToken, User; "
                "print(APIToken.issue(user=User.objects.get(username='admin'), name='bench')[1])",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    results = {}
    runs = (
        ("upload through the API (a 20 MB file: preview as a job, 202)", "202", {}),
        ("for information: preview forced into the request (201)", "201", {"KP_IMPORT_INLINE_MAX_BYTES": str(1 << 40)}),
    )
    for label, expected, extra_env in runs:
        server = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "keyprojects.wsgi",
                "-b",
                f"127.0.0.1:{UPLOAD_PORT}",
                "-w",
                "1",
                "--timeout",
                "600",
            ],
            cwd=ROOT,
            env={**env, **extra_env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            worker = None
            for _ in range(200):
                time.sleep(0.2)
                children = Path(f"/proc/{server.pid}/task/{server.pid}/children")
                pids = children.read_text().split() if children.exists() else []
                if (
                    pids
                    and subprocess.run(
                        ["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{UPLOAD_PORT}/healthz"]
                    ).returncode
                    == 0
                ):
                    worker = int(pids[0])
                    break
            if worker is None:
                raise SystemExit("bench/imports.py: gunicorn did not start")
            before = _hwm(worker)
            started = time.perf_counter()
            answer = subprocess.run(
                [
                    "curl",
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-H",
                    f"Authorization: Bearer {token}",
                    "-F",
                    "kind=plan",
                    "-F",
                    f"file=@{content}",
                    f"http://127.0.0.1:{UPLOAD_PORT}/api/v1/imports",
                ],
                capture_output=True,
                text=True,
            ).stdout
            results[label] = {
                "status": answer,
                "expected": expected,
                "seconds": time.perf_counter() - started,
                "idle_mb": before,
                "peak_mb": _hwm(worker),
            }
        finally:
            server.terminate()
            server.wait(timeout=30)
    database.unlink()
    return {"file_mb": content.stat().st_size / 1048576, "results": results}


def _hwm(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=int(os.environ.get("BENCH_IMPORT_ROWS", 50000)))
    parser.add_argument("--only", nargs="*", default=list(CONTENDERS))
    parser.add_argument("--write-workbook")
    parser.add_argument("--contender")
    parser.add_argument("--workbook")
    parser.add_argument("--no-upload", action="store_true", help="skip the 20 MB upload measurement")
    parser.add_argument(
        "--against",
        metavar="DATABASE_URL",
        help="import into this kept, seeded database (e.g. the national set) and undo the batch afterwards",
    )
    parser.add_argument("--undo", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.write_workbook:
        write_workbook(Path(args.write_workbook), args.rows)
        return
    if args.contender:
        print(json.dumps(contender(args.contender, Path(args.workbook))))
        return
    if args.undo:
        print(json.dumps(undo(args.undo)))
        return
    if args.against:
        against(args.against, args.rows)
        return
    template, workbook = build(args.rows)
    print(
        f"== importing {args.rows:,} rows ({workbook.stat().st_size / 1048576:.1f} MB .xlsx), one process each",
        flush=True,
    )
    results = {}
    for name in args.only:
        database = DIR / f"run-{name}.sqlite3"
        shutil.copyfile(template, database)
        output = run(
            [sys.executable, __file__, "--contender", name, "--workbook", str(workbook)],
            {"DATABASE_URL": f"sqlite:///{database}"},
        )
        results[name] = json.loads(output.strip().splitlines()[-1])
        database.unlink()
        print(f"   {name:12s} {results[name]['seconds']:8.2f} s  peak {results[name]['peak_mb']:6.0f} MB", flush=True)
    report(results, args.rows)
    if not args.no_upload:
        upload = measure_upload(template)
        print()
        print(f"Web process (gunicorn worker) peak RSS while taking a {upload['file_mb']:.1f} MB upload:")
        for label, result in upload["results"].items():
            verdict = "met" if result["peak_mb"] <= UPLOAD_TARGET_MB else "NOT met"
            if result["status"] != result["expected"]:
                verdict = "not measured: the upload was not taken"
            print(
                f"   {label}: HTTP {result['status']} in {result['seconds']:.1f} s, peak {result['peak_mb']:.0f} MB "
                f"(idle {result['idle_mb']:.0f} MB; target <= {UPLOAD_TARGET_MB} MB: {verdict})"
            )


def undo(batch_id: int) -> dict:
    import django

    django.setup()
    from apps.accounts.models import User
    from apps.core.context import command_context
    from apps.imports.services import import_batch_undo

    started = time.perf_counter()
    with command_context("bench"):
        import_batch_undo(actor=User.objects.get(username="admin"), batch_id=batch_id)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def against(url: str, rows: int) -> None:
    """KeyProjects' import of `rows` new projects into a kept database as it is (its own workbook,
    written from that database's counties, units and leaders), then the batch undone, so the set
    stays as built. Time and peak memory of each step, each in its own process."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    workbook = DIR / f"plan-{rows}-{name}.xlsx"
    DIR.mkdir(parents=True, exist_ok=True)
    database = {"DATABASE_URL": url}
    if not workbook.exists():
        print(f"== writing a {rows:,}-row plan workbook from {name}", flush=True)
        run([sys.executable, __file__, "--write-workbook", str(workbook), "--rows", str(rows)], database)
    started = time.perf_counter()
    result = json.loads(
        run([sys.executable, __file__, "--contender", "keyprojects", "--workbook", str(workbook)], database)
        .strip()
        .splitlines()[-1]
    )
    wall = time.perf_counter() - started
    undone = json.loads(
        run([sys.executable, __file__, "--undo", str(result["batch"])], database).strip().splitlines()[-1]
    )
    print(
        f"{name}: {rows:,} rows ({workbook.stat().st_size / 1048576:.1f} MB): preview {result['preview_seconds']:.1f} s, "
        f"commit {result['seconds']:.1f} s ({rows / result['seconds']:,.0f} rows/s), process {wall:.1f} s, "
        f"peak {result['peak_mb']:.0f} MB; {result['projects']:,} new projects, {result['plans']:,} plans, "
        f"{result['change_records']:,} change records; undo {undone['seconds']:.1f} s (peak {undone['peak_mb']:.0f} MB)"
    )


def report(results: dict, rows: int) -> None:
    ours = results.get("keyprojects")
    print()
    print(
        f"{'contender':12s} {'seconds':>9s} {'rows/s':>9s} {'peak MB':>8s} {'projects':>9s} {'plans':>7s}  vs KeyProjects"
    )
    for name, result in results.items():
        ratio = f"{result['seconds'] / ours['seconds']:.2f}x" if ours else ""
        print(
            f"{name:12s} {result['seconds']:9.2f} {rows / result['seconds']:9.0f} {result['peak_mb']:8.0f} "
            f"{result['projects']:9d} {result['plans']:7d}  {ratio}"
        )
    if not ours:
        return
    floor = results.get("floor")
    two_steps = ours["preview_seconds"] + ours["seconds"]
    print()
    print(
        f"KeyProjects preview (read + check, nothing written): {ours['preview_seconds']:.2f} s; "
        f"preview + commit (the page's two steps): {two_steps:.2f} s"
        + (f" = {two_steps / floor['seconds']:.2f}x the floor" if floor else "")
        + f"; change records written: {ours['change_records']:,}"
    )
    verdicts = []
    for name, target in TARGETS.items():
        if name in results:
            speedup = results[name]["seconds"] / ours["seconds"]
            verdicts.append(
                f"{speedup:.1f}x faster than {name} (target >= {target}x): {'met' if speedup >= target else 'NOT met'}"
            )
    if floor:
        for label, seconds in (("commit", ours["seconds"]), ("preview + commit", two_steps)):
            slower = seconds / floor["seconds"]
            verdicts.append(
                f"{label}: {slower:.2f}x the floor (target <= {FLOOR_TARGET}x): "
                f"{'met' if slower <= FLOOR_TARGET else 'NOT met'}"
            )
    verdicts.append(
        f"peak memory {ours['peak_mb']:.0f} MB (target <= {MEMORY_TARGET_MB} MB): "
        f"{'met' if ours['peak_mb'] <= MEMORY_TARGET_MB else 'NOT met'}"
    )
    for line in verdicts:
        print("  " + line)


if __name__ == "__main__":
    main()
