"""Keep derived search documents (and the fitted suggestion model) in step with their rows.

Connected in ``PoliciesConfig.ready()``. Runs for loaddata too (``raw=True``): the fixture's rows
are already in the database when post_save fires, and the document is read from the database.
Deleting a commitment deletes its document by cascade.
"""

from django.db.models.signals import post_delete, post_save

from . import search, suggestions
from .models import Commitment, KeyTask, Official, Organization, Statement, TaskLink


def index_commitment(sender, instance, **kwargs):
    search.index_commitments([instance.pk])
    suggestions.clear_cache()


def forget_fitted_suggestions(sender, **kwargs):
    suggestions.clear_cache()


def index_organization_commitments(sender, instance, **kwargs):
    search.index_commitments(Commitment.objects.filter(organization=instance).values_list("pk", flat=True))


def index_official_commitments(sender, instance, **kwargs):
    search.index_commitments(Commitment.objects.filter(statement__official=instance).values_list("pk", flat=True))


def index_statement_commitments(sender, instance, **kwargs):
    search.index_commitments(Commitment.objects.filter(statement=instance).values_list("pk", flat=True))


def connect():
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
