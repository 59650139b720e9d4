"""A search for one word, stored: how many documents contain each word of the index, and the first
``LEADING`` of them in the search's order (``SearchWord``).

    stored(word, using=...) -> SearchWord or None    what a search for ``word`` alone reads
    before(ids, using=...) -> Snapshot               these documents as the index holds them, before they are rewritten
    after(ids, snapshot, using=...)                  bring the stored words in step with the rewritten documents
    store_all(using=...)                             every word from scratch (``rebuild_index``)
    from_scratch(word, using=...) -> (documents, leading)   what a word's row should be (tests)

Ranking every match of a common word costs the whole match: at 100,000 commitments 就业 is in 17,756 documents,
ranked in 13 ms on SQLite and 36–55 ms on PostgreSQL, and counted in 18–60 ms there (a GIN index has no
index-only scan: each match's row is read). Stored, the count and the first five pages are one row.

The scores are the engine's own, read from the index, so the stored order is the search's: on PostgreSQL
``ts_rank`` of one word depends on the document alone, so a stored score stays exact; on SQLite BM25 also
weighs a document's length against the average, which every edit moves a little: a word's scores are those
of the last time one of its documents changed (or of ``rebuild_index``), an order that can differ from a
fresh ranking only between documents whose scores differ in the last digits.

Keeping the rows in step costs the words of the documents rewritten, not a pass over every document: a row's
count moves by the documents that gained or lost the word; its leading list takes the rewritten documents'
new scores and drops their old ones, and is ranked again from the index only when it lost a document that
no other could be shown to replace (it held every document after which no unlisted one ranks).
"""

from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections, models

from ..models import Commitment, SearchDocument, SearchIndexEntry, SearchWord

# Five pages of twenty: later pages rank every match, as before.
LEADING = 100
BATCH = 500


def _key(entry):
    score, commitment_id = entry
    return (-score, commitment_id)


def is_stored_word(word):
    """Whether ``word`` can have a row: one term of the index, letters and digits only (what
    ``segmentation.normalize`` leaves), so that both engines read it as one word."""
    return bool(word) and word.isalnum() and word == word.lower()


def stored(word, using=DEFAULT_DB_ALIAS):
    if not is_stored_word(word):
        return None
    return SearchWord.objects.using(using).filter(word=word).first()


def _postgresql(using):
    return connections[using].vendor == "postgresql"


def _matching(word, using):
    """The index's rows of the documents containing ``word``: countable, not ranked."""
    from .querying import _fts_match, _ts_query, _DocumentVector

    if _postgresql(using):
        documents = SearchDocument.objects.using(using).alias(vector=_DocumentVector("summary"))
        return documents.filter(vector=_ts_query([word]))
    return models.QuerySet(SearchIndexEntry, using=using).filter(match=_fts_match([word]))


def _ranked(word, using):
    """(commitment id, score) of every document containing ``word``, best first, as the search ranks them."""
    if _postgresql(using):
        from django.contrib.postgres.search import SearchRank

        from .querying import _ts_query, _DocumentVector

        ranked = _matching(word, using).annotate(score=SearchRank(_DocumentVector("summary"), _ts_query([word])))
        return ranked.order_by("-score", "pk").values_list("pk", "score")
    entries = _matching(word, using)
    # FTS5's rank is BM25 negated, lower is better: the score is its negation, as search_rank's.
    return entries.order_by("rank", "commitment_id").annotate(score=-models.F("rank")).values_list("commitment_id", "score")


def from_scratch(word, using=DEFAULT_DB_ALIAS):
    """(documents, leading) of ``word`` ranked now from the index."""
    return _matching(word, using).count(), [[score, pk] for pk, score in _ranked(word, using)[:LEADING]]


def _vocabulary(using):
    """{word: documents containing it} over the whole index, from the engine's own statistics."""
    with connections[using].cursor() as cursor:
        if _postgresql(using):
            cursor.execute("SELECT word, ndoc FROM ts_stat('SELECT vector FROM policies_searchdocument')")
        else:
            cursor.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.policies_searchvocabulary "
                "USING fts5vocab(main, policies_searchindexentry, row)"
            )
            cursor.execute("SELECT term, doc FROM temp.policies_searchvocabulary")
        return {word: n for word, n in cursor.fetchall() if is_stored_word(word)}


def store_all(using=DEFAULT_DB_ALIAS):
    """Every word's row from scratch."""
    SearchWord.objects.using(using).all().delete()
    rows = []
    for word, documents in sorted(_vocabulary(using).items()):
        leading = [[score, pk] for pk, score in _ranked(word, using)[:LEADING]]
        rows.append(SearchWord(word=word, documents=documents, leading=leading))
    SearchWord.objects.using(using).bulk_create(rows, batch_size=BATCH)


@dataclass
class Snapshot:
    """The words of some documents as the index held them: {commitment id: {word, ...}}; and whether any
    of the commitments is gone, its document deleted with it before anyone could read its words."""

    words: dict = field(default_factory=dict)
    missing: bool = False


def _documents(ids, using):
    return SearchDocument.objects.using(using).filter(pk__in=ids)


def _scores(ids, using):
    """{commitment id: {word: score}} of these documents as the index holds them now."""
    found = {}
    if _postgresql(using):
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT d.commitment_id, t.lexeme, ts_rank(d.vector, plainto_tsquery('simple', t.lexeme)) "
                "FROM policies_searchdocument d CROSS JOIN LATERAL unnest(d.vector) t WHERE d.commitment_id = ANY(%s)",
                [list(ids)],
            )
            for pk, word, score in cursor.fetchall():
                if is_stored_word(word):
                    found.setdefault(pk, {})[word] = score
        return found
    # FTS5 cannot list one document's terms: ask it for each of the document's own words, one row at a time.
    from .querying import _fts_match

    entries = models.QuerySet(SearchIndexEntry, using=using)
    for pk, summary, body in _documents(ids, using).values_list("pk", "summary", "body"):
        found[pk] = {}
        for word in {w for w in f"{summary} {body}".split() if is_stored_word(w)}:
            rank = entries.filter(match=_fts_match([word]), commitment_id=pk).values_list("rank", flat=True).first()
            if rank is not None:
                found[pk][word] = -rank
    return found


def before(ids, using=DEFAULT_DB_ALIAS):
    """Read before the documents of ``ids`` are rewritten (in the same transaction)."""
    ids = list(ids)
    if _postgresql(using):
        words = {pk: set(scores) for pk, scores in _scores(ids, using).items()}
    else:
        # A superset is enough here: SQLite's counts are read again from the index (cheap: FTS5 counts a
        # word's documents from its list alone), PostgreSQL's move by exact membership.
        rows = _documents(ids, using).values_list("pk", "summary", "body")
        words = {pk: {w for w in f"{s} {b}".split() if is_stored_word(w)} for pk, s, b in rows}
    existing = set(Commitment.objects.using(using).filter(pk__in=ids).values_list("pk", flat=True))
    return Snapshot(words=words, missing=bool(set(ids) - existing - set(words)))


def after(ids, snapshot, using=DEFAULT_DB_ALIAS):
    """Bring every stored word the documents of ``ids`` held or hold in step with them."""
    ids = set(ids)
    scores = _scores(ids, using)
    if snapshot.missing:
        # A deleted commitment's words are unknown: count every word again, and rank again the words
        # whose leading list it was in.
        _recount(ids, scores, using)
        return
    gained, lost = {}, {}
    for pk in ids:
        for word, score in scores.get(pk, {}).items():
            gained.setdefault(word, {})[pk] = score
        for word in snapshot.words.get(pk, ()):
            lost.setdefault(word, set()).add(pk)
    words = set(gained) | set(lost)
    rows = _rows(words, using)
    changed, emptied, created = [], [], []
    for word in sorted(words):
        row, new = rows.get(word), gained.get(word, {})
        if row is None:
            documents, leading = from_scratch(word, using)
            if documents:
                created.append(SearchWord(word=word, documents=documents, leading=leading))
            continue
        if _postgresql(using):
            documents = row.documents - len(lost.get(word, ())) + len(new)
        else:
            documents = _matching(word, using).count()
        if documents <= 0:
            emptied.append(row)
            continue
        row.leading = _merged(row, ids, new, word, using)
        row.documents = documents
        changed.append(row)
    _save(changed, emptied, created, using)


def _merged(row, ids, new, word, using):
    """The row's leading list with the rewritten documents' old entries out and their new ones in; ranked
    from the index when what is left cannot be shown to be the first ``LEADING``."""
    kept = [entry for entry in row.leading if entry[1] not in ids]
    merged = sorted(kept + [[score, pk] for pk, score in new.items()], key=_key)
    if row.documents <= len(row.leading):
        return merged[:LEADING]  # it listed every document: nothing unlisted to rank
    # Every unlisted document ranks after the list's last entry; entries up to it are the first ones.
    boundary = _key(row.leading[-1])
    head = [entry for entry in merged if _key(entry) <= boundary]
    if len(head) >= LEADING:
        return head[:LEADING]
    return from_scratch(word, using)[1]


def _rows(words, using):
    found = {}
    words = sorted(words)
    for start in range(0, len(words), BATCH):
        for row in SearchWord.objects.using(using).filter(word__in=words[start : start + BATCH]):
            found[row.word] = row
    return found


def _save(changed, emptied, created, using):
    SearchWord.objects.using(using).filter(pk__in=[row.pk for row in emptied]).delete()
    SearchWord.objects.using(using).bulk_update(changed, ["documents", "leading"], batch_size=BATCH)
    SearchWord.objects.using(using).bulk_create(created, batch_size=BATCH)


def _recount(ids, scores, using):
    counts = _vocabulary(using)
    rows = SearchWord.objects.using(using).all()
    existing = {row.word: row for row in rows}
    gained = {}
    for pk, words in scores.items():
        for word, score in words.items():
            gained.setdefault(word, {})[pk] = score
    changed, emptied, created = [], [], []
    for word, row in existing.items():
        if word not in counts:
            emptied.append(row)
            continue
        new = gained.get(word, {})
        if new or counts[word] != row.documents or any(pk in ids for _, pk in row.leading):
            row.leading = _merged(row, ids, new, word, using)
            row.documents = counts[word]
            changed.append(row)
    for word in sorted(set(counts) - set(existing)):
        documents, leading = from_scratch(word, using)
        created.append(SearchWord(word=word, documents=documents, leading=leading))
    _save(changed, emptied, created, using)
