"""Full-text search of commitments on the database's own engine, fed with jieba's words.

One entry point, used by the public text box and the API's ``q`` (through
``CommitmentFilter.filter_text``) and by the admin (``admin_search``):

    search_commitments(queryset, query) -> queryset

filters to commitments containing every word of the query, annotates ``search_rank`` (higher is
better) and orders by it. The words a page should highlight are ``query_terms(query)``;
``highlight(text, terms)`` / ``highlight_parts(text, terms)`` mark them with escaping done right.

The index is one ``SearchDocument`` per commitment (summary, body, words: normalised jieba
tokens joined by spaces). On SQLite an FTS5 table over it, kept in step by triggers, ranks with
BM25 (summary weighs 10, body 1); on PostgreSQL a GIN index over
``setweight(summary, 'A') || setweight(body, 'B')`` ranks with ts_rank. Both are created by
migration 0002. ``policies.signals`` keeps the documents in step with every save, including
loaddata and the admin; ``QuerySet.update()`` bypasses signals, so code that bulk-updates text
calls ``index_commitments`` itself (or run ``manage.py rebuild_search_index``).
"""

import re

from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.db.models import F, Value
from django.utils.html import escape
from django.utils.safestring import mark_safe

from . import segmentation
from .models import Commitment, SearchDocument

# Stay textually in step with the GIN index of migration 0002 so the planner uses it.
PG_VECTOR_SQL = (
    "(setweight(to_tsvector('simple'::regconfig, {summary}), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, {body}), 'B'))"
)
INDEX_BATCH = 500


def query_terms(query):
    """The words of ``query`` that search matches (all of them, in order, without repeats)."""
    return list(dict.fromkeys(segmentation.tokenize(query or "")))


def search_commitments(queryset, query):
    """``queryset`` narrowed to commitments containing every word of ``query``, best first.

    Annotates ``search_rank`` (higher is better; comparable within one query only). A query with no
    meaningful word (only stop words, punctuation or spaces) matches nothing.
    """
    terms = query_terms(query)
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        return _search_postgresql(queryset, terms)
    return _search_sqlite(queryset, terms)


def admin_search(queryset, term):
    """For ``ModelAdmin.get_search_results``: returns ``(queryset, may_have_duplicates)``."""
    if not (term or "").strip():
        return queryset, False
    return search_commitments(queryset, term), False


def _search_sqlite(queryset, terms):
    # Each term quoted: FTS5 reads a bare word such as AND/OR/NOT as an operator.
    match = " ".join(f'"{term}"' for term in terms)
    return (
        queryset.filter(search_index_entry__match=match)
        # FTS5's rank is BM25 negated (lower is better); flip it so both engines sort the same way.
        .annotate(search_rank=Value(0.0) - F("search_index_entry__rank"))
        .order_by("-search_rank", "pk")
    )


class _DocumentVector(models.Expression):
    """The weighted tsvector of a commitment's SearchDocument, exactly as the GIN index spells it."""

    def __init__(self):
        from django.contrib.postgres.search import SearchVectorField

        super().__init__(output_field=SearchVectorField())

    def resolve_expression(self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False):
        clone = self.copy()
        clone.summary = F("search_document__summary").resolve_expression(query, allow_joins, reuse, summarize)
        clone.body = F("search_document__body").resolve_expression(query, allow_joins, reuse, summarize)
        return clone

    def as_sql(self, compiler, connection):
        summary, summary_params = compiler.compile(self.summary)
        body, body_params = compiler.compile(self.body)
        return PG_VECTOR_SQL.format(summary=summary, body=body), [*summary_params, *body_params]


def _search_postgresql(queryset, terms):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    # plainto_tsquery ANDs the words; the terms are letters and digits only, so nothing is an operator.
    ts_query = SearchQuery(" ".join(terms), config="simple", search_type="plain")
    return (
        queryset.alias(search_vector=_DocumentVector())
        .filter(search_vector=ts_query)
        .annotate(search_rank=SearchRank(_DocumentVector(), ts_query))
        .order_by("-search_rank", "pk")
    )


# Highlighting ---------------------------------------------------------------------------------


def _term_pattern(terms):
    # The index drops punctuation inside a term (西部（重庆）科学城 is 西部重庆科学城), so let the
    # highlight step over it too; longest first so 双城经济圈 wins over 经济.
    alternatives = []
    for term in sorted({t for t in terms if t}, key=len, reverse=True):
        alternatives.append(r"[\W_]*".join(re.escape(ch) for ch in term))
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def highlight_parts(text, terms):
    """``text`` as [(piece, is_match)], for a template that wraps matches in <mark> itself."""
    pattern = _term_pattern(terms)
    if not text:
        return []
    if pattern is None:
        return [(text, False)]
    parts, last = [], 0
    for found in pattern.finditer(text):
        if found.start() > last:
            parts.append((text[last : found.start()], False))
        parts.append((found.group(), True))
        last = found.end()
    if last < len(text):
        parts.append((text[last:], False))
    return parts


def highlight(text, terms):
    """``text`` escaped, with every occurrence of a term wrapped in <mark>; safe to render as is."""
    return mark_safe(
        "".join(f"<mark>{escape(piece)}</mark>" if hit else escape(piece) for piece, hit in highlight_parts(text, terms))
    )


# Indexing -------------------------------------------------------------------------------------


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
        for start in range(0, len(ids), INDEX_BATCH):
            batch = ids[start : start + INDEX_BATCH]
            documents.filter(commitment_id__in=batch).delete()
            documents.bulk_create(
                SearchDocument(commitment_id=pk, **_document_fields(summary, quote, org, official))
                for pk, summary, quote, org, official in _rows(batch, using)
            )


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
    return count
