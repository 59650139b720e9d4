"""Each sort of the commitment list reads its first page in an index's order (migration 0024), on both
databases: sorted out of every commitment instead, a sort's first page cost 20–80 ms at 100,000 on PostgreSQL,
whose statements share due dates and percents by the thousand."""

from django.db import connection
from django.http import QueryDict
from django.test import TestCase

from policies.filters import SORT_CHOICES, CommitmentFilter
from policies.models import Commitment
from policies.views import SOURCE_ORDER

from .factories import load_conference


def first_page_query(sort):
    """The page's ids as the list asks for them (CommitmentListView.paginate_queryset)."""
    filterset = CommitmentFilter(QueryDict(f"sort={sort}"), queryset=Commitment.objects.order_by(*SOURCE_ORDER))
    return filterset.qs.values_list("pk", flat=True)[:20]


class SortIndexTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_conference()

    def plan(self, queryset):
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
                return " / ".join(row[-1] for row in cursor.fetchall())
            # A handful of rows are cheaper sorted than read through an index; forbidding the sort shows
            # whether an index gives the order (the planner still sorts when none does).
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            return " / ".join(row[0].strip() for row in cursor.fetchall())

    def test_every_sort_is_read_in_an_index_order(self):
        for sort, _ in SORT_CHOICES:
            with self.subTest(sort=sort):
                plan = self.plan(first_page_query(sort))
                if connection.vendor == "sqlite":
                    self.assertIn("INDEX", plan)
                    # Latest updates last first: SQLite's index cannot say NULLS LAST, but its NULLs come last in
                    # a descending order anyway; only the ties of a day are put in id order, a few rows.
                    self.assertNotIn("USE TEMP B-TREE FOR ORDER BY" if sort == "-updated" else "TEMP B-TREE", plan)
                else:
                    self.assertNotIn("Sort", plan)

    def test_the_sorted_pages_keep_their_order(self):
        for sort, _ in SORT_CHOICES:
            with self.subTest(sort=sort):
                field = {"due": "due_date", "progress": "percent", "updated": "last_update_on"}[sort.lstrip("-")]
                rows = list(Commitment.objects.values_list(field, "pk"))
                descending = sort.startswith("-")
                # NULLs last in either direction; ties by id.
                present = sorted((row for row in rows if row[0] is not None), key=lambda row: row[1])
                present.sort(key=lambda row: row[0], reverse=descending)
                expected = [pk for _, pk in present] + sorted(pk for value, pk in rows if value is None)
                self.assertEqual(list(first_page_query(sort)), expected[:20])
