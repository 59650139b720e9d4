"""Atom feeds of approved progress updates: all of them, and per organization, key task, conference and commitment.

Only approved updates: a submitted or rejected one is never public. Each feed holds the latest
FEED_SIZE, newest first, read in one query.
"""

import datetime

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from .models import Commitment, Conference, KeyTask, Organization, ProgressUpdate

FEED_SIZE = 50
SITE_NAME = "经济工作承诺跟踪"


class UpdatesFeed(Feed):
    """/feeds/updates/: every approved update."""

    feed_type = Atom1Feed
    title = f"最新进展 · {SITE_NAME}"
    subtitle = "经督查室审核通过的承诺进展。"

    def link(self, obj=None):
        return reverse("policies:home")

    def updates(self, obj):
        return ProgressUpdate.objects.all()

    def items(self, obj=None):
        return self.updates(obj).for_timeline()[:FEED_SIZE]

    def item_title(self, update):
        return f"{update.commitment.summary}：{update.get_status_display()} {update.percent}%"

    def item_description(self, update):
        lines = [f"{update.commitment.organization.name}，进展日期 {update.reported_on:%Y-%m-%d}。", update.note]
        if update.evidence_url:
            lines.append(f"佐证材料：{update.evidence_url}")
        return "\n".join(lines)

    def item_link(self, update):
        return f"{update.commitment.get_absolute_url()}#update-{update.pk}"

    def item_author_name(self, update):
        return update.commitment.organization.name

    def item_pubdate(self, update):
        # When it became public; an update approved before reviewed_at was recorded falls back to its date.
        return update.reviewed_at or _midnight(update.reported_on)

    def item_updateddate(self, update):
        return self.item_pubdate(update)


def _midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


class OrganizationUpdatesFeed(UpdatesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Organization, pk=pk)

    def title(self, organization):
        return f"{organization.name}的承诺进展 · {SITE_NAME}"

    def link(self, organization):
        return organization.get_absolute_url()

    def updates(self, organization):
        return ProgressUpdate.objects.filter(commitment__organization=organization)


class TaskUpdatesFeed(UpdatesFeed):
    def get_object(self, request, code):
        # An id, or a code read as everywhere without a conference: the oldest conference having it.
        task = KeyTask.objects.select_related("conference").resolve(code)
        if task is None:
            from django.http import Http404

            raise Http404("没有这个重点任务。")
        return task

    def title(self, task):
        return f"{task.code} {task.title}的承诺进展 · {SITE_NAME}"

    def link(self, task):
        return task.get_absolute_url()

    def updates(self, task):
        return ProgressUpdate.objects.filter(commitment__in=Commitment.objects.under_task(task))


class ConferenceUpdatesFeed(UpdatesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Conference, pk=pk)

    def title(self, conference):
        return f"{conference}承诺进展 · {SITE_NAME}"

    def link(self, conference):
        return reverse("policies:home")

    def updates(self, conference):
        return ProgressUpdate.objects.filter(commitment__statement__source__conference=conference)


class CommitmentUpdatesFeed(UpdatesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Commitment, pk=pk)

    def title(self, commitment):
        return f"{commitment.summary}的进展 · {SITE_NAME}"

    def link(self, commitment):
        return commitment.get_absolute_url()

    def updates(self, commitment):
        return ProgressUpdate.objects.filter(commitment=commitment)
