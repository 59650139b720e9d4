"""Signal receivers. Each concern keeps its receivers in its own clearly named function."""

from django.db.models.signals import m2m_changed, post_delete, post_save


def _bump_page_cache(sender, using=None, **kwargs):
    from .cache import bump_data_version

    bump_data_version(using=using)


def connect_page_cache_invalidation():
    """Any saved or deleted row of public data makes every cached page stale.

    Model signals rather than calls in each service: they also fire for the admin, for loaddata
    (load_conference) and for services written later, such as approving an update.
    QuerySet.update() sends none; its callers bump the version themselves (or the page timeout
    bounds the staleness).
    """
    from .models import (
        Commitment,
        Conference,
        KeyTask,
        Official,
        Organization,
        ProgressUpdate,
        Source,
        Statement,
        TaskLink,
    )

    tracked = [Conference, Source, KeyTask, Organization, Official, Statement, Commitment, TaskLink, ProgressUpdate]
    for model in tracked:
        uid = f"page-cache-{model._meta.label_lower}"
        post_save.connect(_bump_page_cache, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(_bump_page_cache, sender=model, dispatch_uid=f"{uid}-delete")
    m2m_changed.connect(_bump_page_cache, sender=Commitment.tasks.through, dispatch_uid="page-cache-tasks-m2m")
