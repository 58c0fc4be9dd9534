"""Chain the records written before the chain existed, and make the audit tables
append-only in the database (PostgreSQL): UPDATE, DELETE and TRUNCATE are refused for
every role but a superuser. The application must therefore not connect as a superuser
(README "Security"; `manage.py audit_db_role` sets up a role with the grants it needs)."""

from django.db import migrations

TABLES = ("audit_changerecord", "audit_securityevent")

CREATE = """
CREATE OR REPLACE FUNCTION kp_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'audit table %% is append-only: %% refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""
TRIGGERS = """
CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION kp_audit_append_only();
CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION kp_audit_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS {table}_append_only ON {table};
DROP TRIGGER IF EXISTS {table}_no_truncate ON {table};
"""


def chain_existing(apps, schema_editor):
    from apps.audit.chain import row_hash, CHAIN_FIELDS

    for model_name in ("ChangeRecord", "SecurityEvent"):
        model = apps.get_model("audit", model_name)
        key = model_name.lower()
        previous = ""
        for row in model.objects.order_by("id").values("id", *CHAIN_FIELDS[key]).iterator(chunk_size=5000):
            previous = row_hash(previous, row, key)
            model.objects.filter(pk=row["id"]).update(hash=previous)


def triggers_on(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CREATE)  # executed with parameters: "%%" is one "%"
    for table in TABLES:
        schema_editor.execute(TRIGGERS.format(table=table))


def triggers_off(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(DROP.format(table=table))
    schema_editor.execute("DROP FUNCTION IF EXISTS kp_audit_append_only()")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_changerecord_correlation_id_changerecord_hash_and_more")]

    operations = [
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
        migrations.RunPython(triggers_on, triggers_off),
    ]
