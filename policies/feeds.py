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
from django.utils.translation import gettext, gettext_lazy

from .models import Commitment, Conference, KeyTask, Organization, ProgressUpdate

FEED_SIZE = 50
SITE_NAME = gettext_lazy("经济工作承诺跟踪")


class UpdatesFeed(Feed):
    """/feeds/updates/: every approved update."""

    feed_type = Atom1Feed

    def title(self, obj=None):
        return gettext("最新进展 · %(site)s") % {"site": SITE_NAME}

    def subtitle(self, obj=None):
        return gettext("经督查室审核通过的承诺进展。")

    def link(self, obj=None):
        return reverse("policies:home")

    def updates(self, obj):
        return ProgressUpdate.objects.all()

    def items(self, obj=None):
        return self.updates(obj).for_timeline()[:FEED_SIZE]

    def item_title(self, update):
        return gettext("%(summary)s：%(status)s %(percent)s%%") % {
            "summary": update.commitment.summary, "status": gettext(update.get_status_display()), "percent": update.percent
        }

    def item_description(self, update):
        lines = [
            gettext("%(organization)s，进展日期 %(date)s。") % {
                "organization": update.commitment.organization.name, "date": f"{update.reported_on:%Y-%m-%d}"
            },
            update.note,
        ]
        if update.evidence_url:
            lines.append(gettext("佐证材料：%(url)s") % {"url": update.evidence_url})
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
        return gettext("%(name)s的承诺进展 · %(site)s") % {"name": organization.name, "site": SITE_NAME}

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

            raise Http404(gettext("没有这个重点任务。"))
        return task

    def title(self, task):
        return gettext("%(name)s的承诺进展 · %(site)s") % {"name": f"{task.code} {task.title}", "site": SITE_NAME}

    def link(self, task):
        return task.get_absolute_url()

    def updates(self, task):
        return ProgressUpdate.objects.filter(commitment__in=Commitment.objects.under_task(task))


class ConferenceUpdatesFeed(UpdatesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Conference, pk=pk)

    def title(self, conference):
        return gettext("%(conference)s承诺进展 · %(site)s") % {"conference": conference, "site": SITE_NAME}

    def link(self, conference):
        return reverse("policies:home")

    def updates(self, conference):
        return ProgressUpdate.objects.filter(commitment__statement__source__conference=conference)


class CommitmentUpdatesFeed(UpdatesFeed):
    def get_object(self, request, pk):
        return get_object_or_404(Commitment, pk=pk)

    def title(self, commitment):
        return gettext("%(summary)s的进展 · %(site)s") % {"summary": commitment.summary, "site": SITE_NAME}

    def link(self, commitment):
        return commitment.get_absolute_url()

    def updates(self, commitment):
        return ProgressUpdate.objects.filter(commitment=commitment)
