#!/usr/bin/env python3
"""PostgreSQL backup and a checked restore (数据备份恢复; docs/scaling.md "Backups").

    scripts/pg_backup.py backup  --url postgres://…/kp --dir /var/backups/kp [--keep 14]
    scripts/pg_backup.py restore --file kp-….dump --url postgres://…/kp_restored
    scripts/pg_backup.py check   --url postgres://…/kp [--target kp_restorecheck] [--keep-target]

`backup` writes one `pg_dump --format=custom` file (compressed, restorable table by table,
consistent: one snapshot) named by database and time, and keeps the newest --keep files.
`restore` loads a file into a new, empty database (refusing one that exists).
`check` is the restore drill: dump, restore into a fresh database, then compare every table's
row count and the change records (count, newest id, and a digest of every record's id,
time, request, action, object and content) between the two; it prints the comparison and
exits 1 on any difference. Run it on a schedule against a recent backup's copy, and after
every change of backup method.

Needs pg_dump, pg_restore and psql of the server's major version on PATH.
"""

import argparse
import datetime
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

AUDIT_DIGEST = """
SELECT count(*), coalesce(max(id), 0),
       md5(coalesce(string_agg(concat_ws('|', id, time, request_id, action, content_type_id, object_id,
                                         before::text, after::text), E'\\n' ORDER BY id), ''))
FROM audit_changerecord
"""
TABLES = """
SELECT schemaname || '.' || relname FROM pg_stat_user_tables ORDER BY 1
"""


def with_db(url: str, name: str) -> str:
    parts = urlparse(url)
    return urlunparse(parts._replace(path=f"/{name}"))


def db_name(url: str) -> str:
    return urlparse(url).path.lstrip("/")


def psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-X", "-v", "ON_ERROR_STOP=1", "-Atc", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def dump(url: str, path: Path) -> None:
    subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path), url], check=True)


def restore(path: Path, url: str) -> None:
    name = db_name(url)
    admin = with_db(url, "postgres")
    if psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1":
        raise SystemExit(f"restore: database {name} exists; restore goes into a new database")
    psql(admin, f'CREATE DATABASE "{name}"')
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", url, str(path)], check=True
    )


def snapshot(url: str) -> dict:
    tables = psql(url, TABLES).splitlines()
    union = " UNION ALL ".join(f"SELECT '{table}', count(*) FROM {table}" for table in tables)
    counts = {}
    for line in psql(url, union).splitlines() if tables else []:
        table, count = line.rsplit("|", 1)
        counts[table] = int(count)
    count, newest, digest = psql(url, AUDIT_DIGEST).split("|")
    return {"tables": counts, "audit": {"count": int(count), "newest_id": int(newest), "digest": digest}}


def backup(url: str, directory: Path, keep: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    # Microseconds: two backups in one second (a retried cron job) must not overwrite each other.
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    path = directory / f"{db_name(url)}-{stamp}.dump"
    dump(url, path)
    backups = sorted(directory.glob(f"{db_name(url)}-*.dump"))
    for old in backups[:-keep] if keep > 0 else []:
        old.unlink()
    return path


def check(url: str, target: str | None, keep_target: bool) -> bool:
    target_url = with_db(url, target or f"{db_name(url)}_restorecheck")
    admin = with_db(url, "postgres")
    psql(admin, f'DROP DATABASE IF EXISTS "{db_name(target_url)}" WITH (FORCE)')
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "check.dump"
        # The source's figures are read from the same snapshot the dump is taken from only if
        # nothing writes meanwhile: run the drill on a copy, or accept counts read just after.
        dump(url, path)
        source = snapshot(url)
        restore(path, target_url)
    try:
        restored = snapshot(target_url)
    finally:
        if not keep_target:
            psql(admin, f'DROP DATABASE IF EXISTS "{db_name(target_url)}" WITH (FORCE)')
    differences = [
        f"{table}: {source['tables'].get(table)} → {restored['tables'].get(table)}"
        for table in sorted(set(source["tables"]) | set(restored["tables"]))
        if source["tables"].get(table) != restored["tables"].get(table)
    ]
    if source["audit"] != restored["audit"]:
        differences.append(f"change records: {source['audit']} → {restored['audit']}")
    rows = sum(source["tables"].values())
    print(
        f"restore check {db_name(url)} → {db_name(target_url)}: {len(source['tables'])} tables, {rows} rows, "
        f"{source['audit']['count']} change records (newest {source['audit']['newest_id']}, "
        f"digest {source['audit']['digest']})"
    )
    for line in differences:
        print("  DIFFERENT", line)
    print("OK: row counts and change records match" if not differences else "FAILED")
    return not differences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    b = commands.add_parser("backup")
    b.add_argument("--url", required=True)
    b.add_argument("--dir", required=True, type=Path)
    b.add_argument("--keep", type=int, default=14)
    r = commands.add_parser("restore")
    r.add_argument("--file", required=True, type=Path)
    r.add_argument("--url", required=True)
    c = commands.add_parser("check")
    c.add_argument("--url", required=True)
    c.add_argument("--target")
    c.add_argument("--keep-target", action="store_true")
    args = parser.parse_args()
    if args.command == "backup":
        print(backup(args.url, args.dir, args.keep))
    elif args.command == "restore":
        restore(args.file, args.url)
    else:
        sys.exit(0 if check(args.url, args.target, args.keep_target) else 1)


if __name__ == "__main__":
    main()
