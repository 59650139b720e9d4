from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

USERNAME = "admin"
PASSWORD = "admin-local-only"


class Command(BaseCommand):
    help = "仅在调试模式下：没有任何超级用户时创建本地管理员账号并打印其用户名和密码。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            self.stdout.write("调试模式已关闭：不创建本地管理员账号，请用 createsuperuser 创建。")
            return
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("已有管理员账号，未创建新账号。")
            return
        User.objects.create_superuser(USERNAME, "", PASSWORD)
        self.stdout.write(self.style.WARNING(f"已创建本地管理员：用户名 {USERNAME}，密码 {PASSWORD}（仅供本机调试使用）"))
