from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin-local-only"


class Command(BaseCommand):
    help = "仅在调试模式下：没有任何超级用户时创建本地管理员账号并打印其用户名和密码。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_local_admin 只能在调试模式（DJANGO_DEBUG=1）下使用。")
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("已有管理员账号，未创建新账号。")
            return
        User.objects.create_superuser(USERNAME, "", PASSWORD)
        self.stdout.write(self.style.WARNING(f"已创建本地管理员：用户名 {USERNAME}，密码 {PASSWORD}（仅供本机调试使用）"))
