from django.core.management.base import BaseCommand, CommandError
from django.db import connection

AUDIT_TABLES = ("audit_changerecord", "audit_securityevent")


class Command(BaseCommand):
    help = (
        "（PostgreSQL）把应用使用的数据库角色设为非超级用户，并授予所需权限："
        "业务表可读写，审计表（变更记录、安全事件）只能查询和追加。须以数据库超级用户或表的属主运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="应用连接数据库所用的角色名（DATABASE_URL 中的用户）")

    def handle(self, *args, role, **options):
        if connection.vendor != "postgresql":
            raise CommandError("仅适用于 PostgreSQL。")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = %s", [role])
            row = cursor.fetchone()
            if row is None:
                raise CommandError(f"数据库角色不存在：{role}")
            if row[0]:
                raise CommandError(f"角色 {role} 是超级用户：超级用户不受审计表只追加约束，应用不得使用。")
            cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quote(role)}")
            cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quote(role)}")
            cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quote(role)}")
            for table in AUDIT_TABLES:
                cursor.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {quote(table)} FROM {quote(role)}")
        self.stdout.write(f"已设置角色 {role}：审计表只可查询和追加（另有触发器拒绝修改、删除和清空）。")
