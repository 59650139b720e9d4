"""The migration that gives "no approved report" its own status marks exactly the commitments without one."""

import datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

MIGRATION = ("policies", "0009_conference_slug_and_honest_state")


class NotReportedMigrationTests(TransactionTestCase):
    def migrate(self, *targets):
        executor = MigrationExecutor(connection)
        executor.migrate(list(targets))
        return MigrationExecutor(connection).loader.project_state(list(targets)).apps

    def test_commitments_without_an_approved_update_become_not_reported_and_back(self):
        graph = MigrationExecutor(connection).loader.graph
        before = [parent.key for parent in graph.node_map[MIGRATION].parents if parent.key[0] == "policies"]
        latest = graph.leaf_nodes("policies")
        reporter = get_user_model().objects.create_user("reporter")
        try:
            apps = self.migrate(*before)
            model = apps.get_model
            conference = model("policies", "Conference").objects.create(
                name="测试会议", city="测试市", held_on=datetime.date(2020, 12, 29))
            source = model("policies", "Source").objects.create(
                conference=conference, slug="s", publisher="测试日报", published_on=datetime.date(2020, 12, 30),
                titles="第一篇", text="原文：推进甲乙丙。")
            organization = model("policies", "Organization").objects.create(name="测试区", kind="district")
            official = model("policies", "Official").objects.create(name="张三", title="区委书记", organization=organization)
            statement = model("policies", "Statement").objects.create(
                source=source, official=official, span_start=0, span_end=9, text="原文：推进甲乙丙。")
            rows = {}
            for number, name in enumerate(["approved", "submitted only", "none"], start=1):
                rows[name] = model("policies", "Commitment").objects.create(
                    statement=statement, organization=organization, span_start=3, span_end=8, number=number,
                    quote="推进甲乙丙", summary=f"推进{name}", due_date=datetime.date(2021, 12, 31),
                    status="in_progress" if name == "approved" else "not_started",
                    percent=40 if name == "approved" else 0,
                    last_update_on=datetime.date(2021, 3, 1) if name == "approved" else None)
            updates = model("policies", "ProgressUpdate").objects
            user = model("auth", "User").objects.get(pk=reporter.pk)
            for name, state in [("approved", "approved"), ("approved", "rejected"), ("submitted only", "submitted")]:
                updates.create(commitment=rows[name], author=user, reported_on=datetime.date(2021, 3, 1),
                               status="in_progress", percent=40, note="进展", review_state=state,
                               review_reason="数据不实" if state == "rejected" else "")

            apps = self.migrate(MIGRATION)
            commitments = apps.get_model("policies", "Commitment").objects
            self.assertEqual(
                {c.summary: (c.status, c.percent) for c in commitments.all()},
                {"推进approved": ("in_progress", 40), "推进submitted only": ("not_reported", 0),
                 "推进none": ("not_reported", 0)},
            )

            apps = self.migrate(*before)
            statuses = dict(apps.get_model("policies", "Commitment").objects.values_list("summary", "status"))
            self.assertEqual(statuses, {"推进approved": "in_progress", "推进submitted only": "not_started",
                                        "推进none": "not_started"})
        finally:
            self.migrate(*latest)
