"""Keep derived search documents in step with the rows they are derived from.

Connected in ``PoliciesConfig.ready()``. Runs for loaddata too (``raw=True``): the fixture's rows
are already in the database when post_save fires, and the document is read from the database.
Deleting a commitment deletes its document by cascade.
"""

from django.db.models.signals import post_save

from . import search
from .models import Commitment, Official, Organization, Statement


def index_commitment(sender, instance, **kwargs):
    search.index_commitments([instance.pk])


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
