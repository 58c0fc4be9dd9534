# SQL here names tables and columns from this module's constants and the catalogue, never input.
# ruff: noqa: S608
"""Monthly reports partitioned by year on PostgreSQL (declarative RANGE partitioning).

A nation reports about 12 million monthly reports a year; the figures of a year read one
year's reports, so one partition per year keeps those reads (and vacuum, and archiving an
old year) on one table of a year's size. SQLite keeps the plain table: nothing here runs
there.

What partitioning changes, and why (docs/scaling.md "Monthly reports partitioned by year"):
- A partitioned table's primary key and unique constraints must contain the partition key,
  so the table's key is (id, year). `id` still comes from one sequence, so it stays unique
  on its own and Django keeps using it as the model's primary key.
- A foreign key must reference a unique constraint of the referenced table, here
  (id, year): the revisions and photos pointing at a report by `report_id` alone cannot
  keep a database foreign key. PostgreSQL's own answer is a composite key (carry the year
  in the referencing table); here the references are few and Django already deletes a
  report's revisions and photos before the report, so the foreign keys become triggers
  with the same meaning: a reference to a missing report is refused at commit
  (SQLSTATE 23503, Django's IntegrityError), and deleting a report deletes what points at
  it (ON DELETE CASCADE). Altering `report` on those two models in a later migration must
  therefore go through RunSQL.
- An identity column needs PostgreSQL 17 on a partitioned table: `id` takes its default
  from a sequence owned by the column (what `serial` does), which Django's sequence reset
  understands.
- Each year has its partition; a default partition catches any other year, and
  `year_partitions_ensure` (a daily beat job, and the migration) creates this year's and the
  next year's, moving any of that year's rows out of the default partition first.
"""

import datetime

from django.db import connection, transaction

TABLE = "reporting_monthlyreport"
DEFAULT_PARTITION = f"{TABLE}_default"
#: Tables whose `report_id` points at a monthly report, with the foreign key's meaning
#: kept by triggers (see the module docstring).
REFERENCING = ("reporting_reportrevision", "reporting_reportphoto")
#: Partitions made ahead: this year and the next (reports are entered in January for the
#: December just gone, so the previous year already has its partition).
YEARS_AHEAD = 1
#: Set (SET LOCAL) while rows move from the default partition into a new year's partition,
#: so the ON DELETE CASCADE trigger leaves their revisions and photos alone.
MOVING_SETTING = "keyprojects.moving_reports"


def partition_name(year: int) -> str:
    return f"{TABLE}_y{year}"


def is_partitioned(using_connection=None) -> bool:
    conn = using_connection or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", [TABLE])
        return cursor.fetchone() is not None


def _table_definition(cursor, table: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The table's plain indexes (CREATE INDEX statements) and its primary key, unique and
    foreign-key constraints (name, definition), to create again on the new table."""
    cursor.execute(
        """
        SELECT indexdef FROM pg_indexes i
        WHERE tablename = %s AND schemaname = current_schema()
          AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname
                          AND c.conrelid = to_regclass(%s))
        ORDER BY indexname
        """,
        [table, table],
    )
    indexes = [row[0] for row in cursor.fetchall()]
    cursor.execute(
        """
        SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE conrelid = to_regclass(%s) AND contype IN ('p', 'u', 'f') ORDER BY contype DESC, conname
        """,
        [table],
    )
    return indexes, list(cursor.fetchall())


def _referencing_foreign_keys(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(
        """
        SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
        WHERE confrelid = to_regclass(%s) AND contype = 'f' ORDER BY 1, 2
        """,
        [TABLE],
    )
    return list(cursor.fetchall())


def _columns(cursor, table: str) -> str:
    cursor.execute(
        """
        SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute
        WHERE attrelid = to_regclass(%s) AND attnum > 0 AND NOT attisdropped
        """,
        [table],
    )
    return cursor.fetchone()[0]


def _rebuild(cursor, *, partitioned: bool, years: set[int]) -> None:
    """Copy the monthly reports into a new table (partitioned by year or plain), then put
    the old table's name, keys, indexes and foreign keys on it."""
    indexes, constraints = _table_definition(cursor, TABLE)
    columns = _columns(cursor, TABLE)
    new = f"{TABLE}_new"
    partition_by = " PARTITION BY RANGE (year)" if partitioned else ""
    cursor.execute(f"CREATE TABLE {new} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS){partition_by}")
    # the id's default is the old table's sequence (or identity), dropped with it
    cursor.execute(f"ALTER TABLE {new} ALTER COLUMN id DROP DEFAULT")
    if partitioned:
        for year in sorted(years):
            cursor.execute(
                f"CREATE TABLE {partition_name(year)} PARTITION OF {new} FOR VALUES FROM (%s) TO (%s)",
                [year, year + 1],
            )
        cursor.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF {new} DEFAULT")
    cursor.execute(f"INSERT INTO {new} ({columns}) SELECT {columns} FROM {TABLE}")
    cursor.execute(f"SELECT max(id) FROM {TABLE}")
    last_id = cursor.fetchone()[0]

    if partitioned:
        for table, name, _definition in _referencing_foreign_keys(cursor):
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    else:
        _drop_reference_triggers(cursor)
    cursor.execute(f"DROP TABLE {TABLE}")
    cursor.execute(f"ALTER TABLE {new} RENAME TO {TABLE}")

    sequence = f"{TABLE}_id_seq"
    cursor.execute(f"CREATE SEQUENCE {sequence} OWNED BY {TABLE}.id")
    cursor.execute(f"ALTER TABLE {TABLE} ALTER COLUMN id SET DEFAULT nextval('{sequence}')")
    cursor.execute("SELECT setval(%s, %s, %s)", [sequence, last_id or 1, last_id is not None])

    for name, definition in constraints:
        if definition.startswith("PRIMARY KEY"):
            definition = "PRIMARY KEY (id, year)" if partitioned else "PRIMARY KEY (id)"
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for statement in indexes:
        cursor.execute(statement.replace(" ON ONLY ", " ON "))

    if partitioned:
        _create_reference_triggers(cursor)
    else:
        for table in REFERENCING:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_report_id_fk FOREIGN KEY (report_id) "
                f"REFERENCES {TABLE} (id) DEFERRABLE INITIALLY DEFERRED"
            )


def _create_reference_triggers(cursor) -> None:
    cursor.execute(
        f"""
        CREATE FUNCTION reporting_report_exists() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            current_report bigint;
        BEGIN
            -- checked at commit: the row as it is then (gone, or pointing elsewhere)
            EXECUTE format('SELECT report_id FROM %I WHERE id = $1', TG_TABLE_NAME) INTO current_report USING NEW.id;
            IF current_report IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM {TABLE} WHERE id = current_report) THEN
                RAISE foreign_key_violation USING MESSAGE = format(
                    'insert or update on table "%s" violates foreign key: report %s does not exist',
                    TG_TABLE_NAME, current_report);
            END IF;
            RETURN NULL;
        END $$
        """
    )
    for table in REFERENCING:
        cursor.execute(
            f"CREATE CONSTRAINT TRIGGER {table}_report_exists AFTER INSERT OR UPDATE OF report_id ON {table} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION reporting_report_exists()"
        )
    deletes = "".join(f"DELETE FROM {table} WHERE report_id = OLD.id;" for table in REFERENCING)
    # Not when the row only moved: to another year's partition (an UPDATE of the year is a
    # DELETE and an INSERT), or out of the default partition (MOVING_SETTING).
    cursor.execute(
        f"""
        CREATE FUNCTION reporting_report_cascade() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF coalesce(current_setting('{MOVING_SETTING}', true), '') = 'on'
               OR EXISTS (SELECT 1 FROM {TABLE} WHERE id = OLD.id) THEN
                RETURN NULL;
            END IF;
            {deletes}
            RETURN NULL;
        END $$
        """
    )
    cursor.execute(
        f"CREATE TRIGGER {TABLE}_cascade AFTER DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION reporting_report_cascade()"
    )


def _drop_reference_triggers(cursor) -> None:
    for table in REFERENCING:
        cursor.execute(f"DROP TRIGGER IF EXISTS {table}_report_exists ON {table}")
    cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_cascade ON {TABLE}")
    cursor.execute("DROP FUNCTION IF EXISTS reporting_report_exists(), reporting_report_cascade()")


def _years_wanted(cursor, today: datetime.date) -> set[int]:
    cursor.execute(f"SELECT DISTINCT year FROM {TABLE}")
    return {row[0] for row in cursor.fetchall()} | set(range(today.year - 1, today.year + YEARS_AHEAD + 1))


def partition_table(apps=None, schema_editor=None) -> None:
    """Migration: the plain table becomes a table partitioned by year."""
    conn = schema_editor.connection if schema_editor else connection
    if conn.vendor != "postgresql" or is_partitioned(conn):
        return
    with conn.cursor() as cursor:
        _rebuild(cursor, partitioned=True, years=_years_wanted(cursor, datetime.date.today()))


def unpartition_table(apps=None, schema_editor=None) -> None:
    """Migration backwards: one plain table again, with its foreign keys."""
    conn = schema_editor.connection if schema_editor else connection
    if conn.vendor != "postgresql" or not is_partitioned(conn):
        return
    with conn.cursor() as cursor:
        _drop_reference_triggers(cursor)
        _rebuild(cursor, partitioned=False, years=set())


def year_partitions(using_connection=None) -> dict[int, str]:
    """Year → partition table name, default partition excluded."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s)
            """,
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    prefix = partition_name(0)[:-1]
    return {int(name[len(prefix) :]): name for name in names if name.startswith(prefix)}


def year_partition_create(year: int) -> bool:
    """Create `year`'s partition (False when it exists). Rows of that year already in the
    default partition move into it first, since attaching checks that the default holds
    none of the new partition's range."""
    if not is_partitioned() or year in year_partitions():
        return False
    name = partition_name(year)
    with transaction.atomic(), connection.cursor() as cursor:
        # One creator at a time (two beat deliveries, or a worker and a migration).
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [TABLE])
        if year in year_partitions():
            return False
        columns = _columns(cursor, TABLE)
        cursor.execute(f"SET LOCAL {MOVING_SETTING} = 'on'")
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION} WHERE year = %s RETURNING {columns}) "
            f"INSERT INTO {name} ({columns}) SELECT {columns} FROM moved",
            [year],
        )
        cursor.execute(f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)", [year, year + 1])
        cursor.execute(f"SET LOCAL {MOVING_SETTING} = 'off'")
    return True


def year_partitions_ensure(today: datetime.date | None = None) -> list[int]:
    """This year's partition and the next's exist; returns the years created."""
    if not is_partitioned():
        return []
    today = today or datetime.date.today()
    return [year for year in range(today.year, today.year + YEARS_AHEAD + 1) if year_partition_create(year)]
