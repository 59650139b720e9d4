"""A ledger upload costs the same number of queries for 5 rows as for 1,000: validation runs in
Python once per row, scope and duplicates take one query each, the rows are inserted in bulk."""

import datetime
import io

from django.db import connection
from django.test import TestCase
from openpyxl import Workbook

from policies import ledger
from policies.models import Commitment, ProgressUpdate
from policies.roles import ensure_roles

from .factories import make_commitment, make_organization, make_reporter

ROWS = 1000


def insert_batches(model, rows):
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    size = connection.ops.bulk_batch_size(fields, [None] * rows)
    return -(-rows // size)


class LedgerImportQueryTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        organization = make_organization(name="测试新区")
        first = make_commitment(organization=organization)
        Commitment.objects.bulk_create(
            Commitment(statement=first.statement, organization=organization, number=n, quote="原文", summary="摘要",
                       span_start=0, span_end=2, due_date=datetime.date(2021, 12, 31))
            for n in range(1000, 1000 + ROWS - 1)
        )
        cls.ids = list(Commitment.objects.order_by("pk").values_list("pk", flat=True))
        cls.reporter = make_reporter(organization=organization)

    def ledger_file(self, rows):
        workbook = Workbook()
        workbook.active.append(ledger.HEADER)
        for pk in self.ids[:rows]:
            workbook.active.append([pk, "", "", "", "", "", "", "2021-06-30", "推进中", 40, "按期推进", ""])
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def upload(self, rows, data=None):
        data = data or self.ledger_file(rows)
        # A fresh user object each time, as each request has: its permission cache starts empty.
        user = type(self.reporter).objects.get(pk=self.reporter.pk)
        with self.assertNumQueries(self.QUERIES + self.extra_for(rows)):
            return ledger.import_ledger(data=data, filename="台账.xlsx", user=user)

    def extra_for(self, rows):
        """What the INSERTs cost beyond one each: nothing on PostgreSQL; on SQLite Django splits a bulk
        INSERT into batches of at most 999 parameters (12 batches for 1,000 updates), a query each."""
        from simple_history.utils import get_history_model_for_model

        return (insert_batches(ProgressUpdate, rows) - 1
                + insert_batches(get_history_model_for_model(ProgressUpdate), rows) - 1)

    # 1-2: savepoints of the import and of submit_updates, 3-4: the reporter's permissions (own, groups'),
    # 5: the reporter's organization, 6: scope of every commitment in the file, 7: updates it would
    # duplicate, 8: INSERT of the updates, 9: INSERT of their history rows, 10-11: release the savepoints.
    QUERIES = 11

    def test_five_rows_and_a_thousand_cost_the_same_queries(self):
        self.assertEqual(len(self.upload(5)), 5)
        ProgressUpdate.history.all().delete()
        ProgressUpdate.objects.all().delete()
        self.assertEqual(len(self.upload(ROWS)), ROWS)
        self.assertEqual(ProgressUpdate.objects.filter(author=self.reporter, review_state="submitted").count(), ROWS)
        if connection.vendor == "postgresql":
            self.assertEqual(self.extra_for(ROWS), 0)

    def test_history_records_the_reporter_as_author_of_every_row(self):
        self.upload(3)
        history = ProgressUpdate.history.all()
        self.assertEqual(history.count(), 3)
        self.assertEqual({(h.history_type, h.history_user_id) for h in history}, {("+", self.reporter.pk)})
