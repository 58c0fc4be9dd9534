from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import APIToken, User


class Command(BaseCommand):
    help = "为用户签发 REST API 令牌（Authorization: Bearer <token>）。令牌只显示一次。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"用户不存在：{username}") from exc
        _, raw = APIToken.issue(user=user, name=name)
        self.stdout.write(raw)
