"""The migration that makes source titles plain text keeps every title, both ways."""

import datetime

from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import TransactionTestCase

MIGRATION = ("policies", "0008_source_titles_text")


class SourceTitlesMigrationTests(TransactionTestCase):
    def migrate(self, *targets):
        executor = MigrationExecutor(connection)
        executor.migrate(list(targets))
        return MigrationExecutor(connection).loader.project_state(list(targets)).apps

    def test_title_lists_become_lines_and_back(self):
        graph = MigrationExecutor(connection).loader.graph
        before = [parent.key for parent in graph.node_map[MIGRATION].parents if parent.key[0] == "policies"]
        latest = graph.leaf_nodes("policies")
        try:
            apps = self.migrate(*before)
            conference = apps.get_model("policies", "Conference").objects.create(
                name="测试会议", city="测试市", held_on=datetime.date(2020, 12, 29))
            apps.get_model("policies", "Source").objects.create(
                conference=conference, slug="s", publisher="测试日报", published_on=datetime.date(2020, 12, 30),
                titles=["第一篇", "第二篇 副题"], text="原文")

            apps = self.migrate(MIGRATION)
            self.assertEqual(apps.get_model("policies", "Source").objects.get().titles, "第一篇\n第二篇 副题")

            apps = self.migrate(*before)
            self.assertEqual(apps.get_model("policies", "Source").objects.get().titles, ["第一篇", "第二篇 副题"])
        finally:
            self.migrate(*latest)
