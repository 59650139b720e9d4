"""Send each confirmed follower one mail with the updates approved since the last one.

Run it daily (or more often: a second run the same day sends nothing to an address already mailed),
e.g. from cron: `15 8 * * * cd /srv/tracker && .venv/bin/python manage.py send_follow_digests`.
Also deletes sign-ups never confirmed.
"""

from django.core.management.base import BaseCommand

from policies.following.services import send_digests


class Command(BaseCommand):
    help = "发送关注者的每日进展汇总邮件（每个地址每天最多一封）。"

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"已发送 {sent} 封汇总邮件。")
