"""Nothing staff did is lost: a deleted commitment comes back with its task links, and reloading the
shipped conference data never overwrites or undoes staff edits."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.test import TestCase

from policies import services
from policies.choices import LinkOrigin
from policies.models import Commitment, KeyTask, TaskLink
from policies.roles import ensure_roles

from .factories import load_conference, make_commitment, make_organization, make_reporter, make_reviewer, make_task


class RestoreCommitmentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer(username="duchayuan")
        cls.reporter = make_reporter(organization=make_organization(), username="tianbaoyuan")
        cls.kept_task, cls.removed_task, cls.other_task = make_task(), make_task(), make_task()

    def test_deleted_commitment_comes_back_with_the_links_deleted_with_it(self):
        commitment = make_commitment(summary="建设智慧园区", tasks=[self.kept_task, self.removed_task, self.other_task])
        # Staff removed one link before the commitment was deleted: it stays removed.
        link = TaskLink.objects.get(commitment=commitment, task=self.removed_task)
        link_id = link.pk
        link._history_user = self.reviewer
        link.delete()
        # ... a while ago (a test cannot wait for it).
        TaskLink.history.filter(id=link_id, history_type="-").update(
            history_date=F("history_date") - services.CASCADE_WINDOW * 2
        )
        commitment_id = commitment.pk
        commitment.delete()
        self.assertFalse(TaskLink.objects.filter(commitment_id=commitment_id).exists())

        restored, links = services.restore_commitment(commitment_id=commitment_id, reviewer=self.reviewer)

        self.assertEqual(Commitment.objects.get(pk=commitment_id).summary, "建设智慧园区")
        self.assertEqual(
            set(TaskLink.objects.filter(commitment_id=commitment_id).values_list("task_id", flat=True)),
            {self.kept_task.pk, self.other_task.pk},
        )
        self.assertEqual(len(links), 2)
        self.assertEqual(Commitment.history.filter(id=commitment_id).latest("history_date").history_user, self.reviewer)

    def test_only_a_deleted_commitment_and_only_by_a_reviewer(self):
        commitment = make_commitment(tasks=[self.kept_task])
        with self.assertRaisesMessage(ValidationError, "没有找到可恢复的已删除承诺事项"):
            services.restore_commitment(commitment_id=commitment.pk, reviewer=self.reviewer)
        commitment_id = commitment.pk
        commitment.delete()
        with self.assertRaises(PermissionDenied):
            services.restore_commitment(commitment_id=commitment_id, reviewer=self.reporter)
        self.assertFalse(Commitment.objects.filter(pk=commitment_id).exists())


class ReloadKeepsStaffWorkTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        ensure_roles()
        cls.reviewer = make_reviewer(username="duchayuan")
        load_conference()

    def edit(self, row, **fields):
        for name, value in fields.items():
            setattr(row, name, value)
        row._history_user = self.reviewer
        row.save()

    def test_reviewer_edits_and_removed_links_survive_a_reload(self):
        commitment = Commitment.objects.order_by("pk").first()
        original_summary = commitment.summary
        self.edit(commitment, summary="督查员改写的摘要")
        task = KeyTask.objects.order_by("pk").first()
        self.edit(task, title="督查员改写的任务名称")
        link = TaskLink.objects.filter(origin=LinkOrigin.CURATED).order_by("pk").first()
        link._history_user = self.reviewer
        link.delete()
        deleted = make_commitment(statement=commitment.statement, number=commitment.number + 1000)
        gone = Commitment.objects.exclude(pk__in=[commitment.pk, deleted.pk]).filter(updates__isnull=True).order_by("-pk").first()
        gone_key = (gone.statement_id, gone.number)
        gone.delete()

        load_conference()

        commitment.refresh_from_db()
        self.assertEqual(commitment.summary, "督查员改写的摘要")
        self.assertNotEqual(original_summary, commitment.summary)
        task.refresh_from_db()
        self.assertEqual(task.title, "督查员改写的任务名称")
        self.assertFalse(TaskLink.objects.filter(commitment_id=link.commitment_id, task_id=link.task_id).exists())
        self.assertFalse(Commitment.objects.filter(statement_id=gone_key[0], number=gone_key[1]).exists())

    def test_untouched_rows_are_updated_and_missing_ones_created(self):
        commitment = Commitment.objects.order_by("pk").first()
        summary = commitment.summary
        # A change with no history (as an older loaddata, or a shell's update(), would leave it).
        Commitment.objects.filter(pk=commitment.pk).update(summary="旧版数据")
        link = TaskLink.objects.order_by("pk").first()
        TaskLink.objects.filter(pk=link.pk).delete()  # a queryset delete: no history, no staff decision
        TaskLink.history.filter(id=link.pk).delete()
        counts = (Commitment.objects.count(), TaskLink.objects.count())

        load_conference()

        commitment.refresh_from_db()
        self.assertEqual(commitment.summary, summary)
        self.assertEqual((Commitment.objects.count(), TaskLink.objects.count()), (counts[0], counts[1] + 1))
