"""Derived data brought in step after a write: search documents, the suggestions' word counts, cached pages, and the
organizations' light counts of the dashboard.

Every write path calls one of these itself (the services, the admin's save and delete hooks,
``load_conference``); no model signal does it. Each runs once the transaction commits, so that
jieba's work and the cache bump see the committed rows, and a rolled-back write changes nothing.
Outside a transaction ``on_commit`` runs at once.

    commitments_changed(ids)   their text or the names they carry changed: re-index (and count their words
                               for the suggestions and the keywords again), stale pages
    tasks_changed(commitment_ids=None)   key tasks or links changed: count the links of these commitments
                               (of every one whose links moved, if None) again, stale pages
Either weighs again the keywords of the organizations and key tasks whose counts moved, and only those
(``search.keywords``): a commitment saved with its links in the admin (both calls) weighs them once.
    progress_changed(ids)      these commitments' progress changed: stale site-wide pages and their own
    sources_changed()          a source moved to another conference, or its text around the quotes: stale pages
    pages_changed()            any other shown data changed: stale pages
    everything_changed()       bulk loads: rebuild the index and its counts now, stale pages after the commit

``commitments_changed`` and ``sources_changed`` also count every organization's lights again
(``summaries.organizations_changed``): they follow edits of due dates, milestones (saved with their commitment,
whose save calls ``commitments_changed``), organizations, conferences and new or deleted commitments, none of
which says which organizations it moved a commitment from. Links, key tasks, evidence and close-outs move no
light; an approval's own organizations are counted in its transaction, by ``summaries.progress_changed``, and
a bulk load's by its ``refresh_progress``.

A write that goes around all of them (``QuerySet.update()`` from a shell) leaves pages stale for at
most ``TRACKER_PAGE_CACHE_SECONDS`` and the index until ``manage.py rebuild_search_index``.
"""

from django.db import DEFAULT_DB_ALIAS, transaction

from . import search, summaries
from .cache import bump_data_version, bump_progress


def commitments_changed(ids, *, using=DEFAULT_DB_ALIAS):
    """``ids``: commitment ids, or a lazy queryset of them evaluated after the commit."""

    def after_commit():
        search.index_commitments(ids, using=using)
        summaries.organizations_changed(None, using=using)
        bump_data_version(using=using)

    transaction.on_commit(after_commit, using=using)


def tasks_changed(commitment_ids=None, *, using=DEFAULT_DB_ALIAS):
    """``commitment_ids``: those whose curated links changed, when the caller knows; a task's own text
    needs none (every process reads the tasks again when the counts' version moves)."""

    def after_commit():
        # Weighs again the keywords of the organizations and tasks whose counts moved, and only those.
        search.links_changed(commitment_ids, using=using)
        bump_data_version(using=using)

    transaction.on_commit(after_commit, using=using)


# Past this many commitments, a progress change bumps every page: listing the scopes would cost more.
PROGRESS_SCOPES_MAX = 100


def progress_changed(commitments, *, using=DEFAULT_DB_ALIAS):
    """``commitments``: a queryset of those whose status or percent may have changed (an approval).

    Only the site-wide pages and the pages of these commitments, their organizations and their
    officials show progress; every other page stays cached (``policies.cache``). The queryset is
    read after the commit, once."""

    def after_commit():
        rows = list(commitments.values_list("pk", "organization_id", "statement__official_id")[: PROGRESS_SCOPES_MAX + 1])
        if len(rows) > PROGRESS_SCOPES_MAX:
            bump_data_version(using=using)
            return
        scopes = set()
        for pk, organization_id, official_id in rows:
            scopes |= {f"commitment:{pk}", f"organization:{organization_id}", f"official:{official_id}"}
        bump_progress(sorted(scopes), using=using)

    transaction.on_commit(after_commit, using=using)


def sources_changed(*, using=DEFAULT_DB_ALIAS):
    def after_commit():
        summaries.organizations_changed(None, using=using)
        bump_data_version(using=using)

    transaction.on_commit(after_commit, using=using)


def pages_changed(*, using=DEFAULT_DB_ALIAS):
    transaction.on_commit(lambda: bump_data_version(using=using), using=using)


def everything_changed(*, using=DEFAULT_DB_ALIAS):
    """For a command that loaded many rows: the index is rebuilt inside its transaction, so the
    data and their documents commit (or roll back) together."""
    search.rebuild_index(using=using)
    tasks_changed([], using=using)
