"""The search index: one ``SearchDocument`` per commitment, written from its current row.

Derived data, written only here. Nothing writes it on a model save: the code that changes a
commitment's text or the names it carries calls ``index_commitments`` after its transaction commits
(see ``policies.invalidation``); ``rebuild_index`` re-derives all of it (``load_conference``,
``manage.py rebuild_search_index``). Either also re-derives the stored keywords (``keywords``) and
brings the suggestions' word counts (``word_counts``) and the stored searches of one word (``word_matches``)
in step.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ..models import Commitment, SearchDocument
from . import segmentation, word_matches
from .keywords import refresh_keywords
from .word_counts import count_commitments, count_links, hold, recount

INDEX_BATCH = 500


def _document_fields(summary, quote, organization_name, official_name):
    return {
        "summary": " ".join(segmentation.index_tokens(summary)),
        "body": " ".join(segmentation.index_tokens(" ".join(filter(None, [quote, organization_name, official_name])))),
        "words": " ".join(segmentation.tokenize(f"{summary}\n{quote}")),
    }


def _rows(commitment_ids=None, using=DEFAULT_DB_ALIAS):
    rows = Commitment.objects.using(using).order_by("pk").values_list(
        "pk", "summary", "quote", "organization__name", "statement__official__name"
    )
    return rows if commitment_ids is None else rows.filter(pk__in=commitment_ids)


def index_commitments(commitment_ids, using=DEFAULT_DB_ALIAS):
    """Write the search documents of these commitments from their current rows; removes stale ones.

    ``using`` is the database the commitments live in (a demo database being built, say)."""
    ids = list(commitment_ids)
    documents = SearchDocument.objects.using(using)
    with transaction.atomic(using=using):
        hold(using)  # before reading what the documents held: see word_counts.hold
        for start in range(0, len(ids), INDEX_BATCH):
            batch = ids[start : start + INDEX_BATCH]
            held = word_matches.before(batch, using)
            documents.filter(commitment_id__in=batch).delete()
            documents.bulk_create(
                SearchDocument(commitment_id=pk, **_document_fields(summary, quote, org, official))
                for pk, summary, quote, org, official in _rows(batch, using)
            )
            word_matches.after(batch, held, using)
        count_commitments(ids, using=using)
        refresh_keywords(using)


def rebuild_index(using=DEFAULT_DB_ALIAS):
    """Every commitment's search document, from scratch. Returns how many were written."""
    with transaction.atomic(using=using):
        return _rebuild_index(using)


def _rebuild_index(using):
    documents = SearchDocument.objects.using(using)
    documents.all().delete()
    count = 0
    batch = []
    for pk, summary, quote, org, official in _rows(using=using).iterator(chunk_size=2000):
        batch.append(SearchDocument(commitment_id=pk, **_document_fields(summary, quote, org, official)))
        if len(batch) >= INDEX_BATCH:
            documents.bulk_create(batch)
            count += len(batch)
            batch = []
    documents.bulk_create(batch)
    count += len(batch)
    if connections[using].vendor == "sqlite":
        # Re-derive the FTS5 index from the documents in case anything wrote around the triggers.
        with connections[using].cursor() as cursor:
            cursor.execute("INSERT INTO policies_searchindexentry(policies_searchindexentry) VALUES('rebuild')")
    word_matches.store_all(using)
    recount(using=using)
    refresh_keywords(using)
    return count


def links_changed(commitment_ids=None, *, using=DEFAULT_DB_ALIAS):
    """Curated links or key tasks changed: count these commitments again, or, when the caller cannot
    say which, every commitment whose links are not those it is counted with."""
    if commitment_ids is None:
        count_links(using=using)
    else:
        count_commitments(commitment_ids, using=using)
