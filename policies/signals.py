"""Signal receivers, one connecting function per concern, all connected by ``connect()``
from ``PoliciesConfig.ready()``.

Search: keep derived search documents (and the fitted suggestion model) in step with their rows.
Connected in ``PoliciesConfig.ready()``. Runs for loaddata too (``raw=True``): the fixture's rows
are already in the database when post_save fires, and the document is read from the database.
Deleting a commitment deletes its document by cascade.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from . import search, suggestions
from .models import Commitment, KeyTask, Official, Organization, Statement, TaskLink


def index_commitment(sender, instance, using=None, **kwargs):
    search.index_commitments([instance.pk], using=using)
    suggestions.clear_cache()


def forget_fitted_suggestions(sender, **kwargs):
    suggestions.clear_cache()


def index_organization_commitments(sender, instance, using=None, **kwargs):
    commitments = Commitment.objects.using(using).filter(organization=instance)
    search.index_commitments(commitments.values_list("pk", flat=True), using=using)


def index_official_commitments(sender, instance, using=None, **kwargs):
    commitments = Commitment.objects.using(using).filter(statement__official=instance)
    search.index_commitments(commitments.values_list("pk", flat=True), using=using)


def index_statement_commitments(sender, instance, using=None, **kwargs):
    commitments = Commitment.objects.using(using).filter(statement=instance)
    search.index_commitments(commitments.values_list("pk", flat=True), using=using)


def connect_search_index():
    post_save.connect(index_commitment, sender=Commitment, dispatch_uid="policies.search.commitment")
    # The document holds the organization's and the official's names: renaming them changes it.
    post_save.connect(index_organization_commitments, sender=Organization, dispatch_uid="policies.search.organization")
    post_save.connect(index_official_commitments, sender=Official, dispatch_uid="policies.search.official")
    post_save.connect(index_statement_commitments, sender=Statement, dispatch_uid="policies.search.statement")
    # What the suggestion model and keyword IDF are fitted on.
    for model in (Commitment, TaskLink, KeyTask):
        uid = f"policies.suggestions.{model.__name__}"
        post_delete.connect(forget_fitted_suggestions, sender=model, dispatch_uid=f"{uid}.delete")
        if model is not Commitment:  # index_commitment forgets it on save
            post_save.connect(forget_fitted_suggestions, sender=model, dispatch_uid=f"{uid}.save")


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


def connect():
    connect_search_index()
    connect_page_cache_invalidation()
