"""A search for one word, stored: how many documents contain each word of the index, and the first
``LEADING`` of them in the search's order (``SearchWord``).

    ranked_matches(query) -> RankedMatches         every match's id, best first: countable, sliceable
    stored(word) -> Stored or None                 what a search for ``word`` alone reads: one query
    before(ids, using=...) -> dict                 what the documents of ``ids`` hold, read before they are rewritten
    after(ids, held, using=...)                    bring the stored words in step with the rewritten documents
    store_all(using=...)                           every word from scratch (``rebuild_index``)
    from_scratch(word, using=...) -> (documents, [ids])   what a word's row should say (tests)

Ranking every match of a common word costs the whole match: at 100,000 commitments 就业 is in 17,756
documents, ranked in 13 ms on SQLite and 36–55 ms on PostgreSQL, and counted in 18–60 ms there (a GIN index
has no index-only scan: each match's row is read). Stored, the count and the first five pages are one row.

The order is the engine's own. On PostgreSQL ``ts_rank`` of one word depends on the document alone, so a
stored score stays exact. On SQLite BM25 (``bm25(10.0, 1.0)``, migration 0003) weighs a document's length
against the average length, which every edit moves a little: an entry keeps what the score is made of (the
word's weighted count and the document's length) and the list is ordered with the average at the time it
is read, which gives FTS5's own numbers to the last digit. Only which documents are listed was decided with
the average of the last change to the word: one that a later change of the average lifts past the 100th
is shown on page six instead of five, never twice nor missing (later pages leave the listed ones out).

Keeping the rows in step costs the words of the documents rewritten, not a pass over every document: a row's
count moves by the documents that gained or lost the word; its list takes the rewritten documents' new
entries and drops their old ones, and is ranked again from the index only when it lost a document that no
other can be shown to replace.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property

from ..models import Commitment, SearchDocument, SearchIndexEntry, SearchWord
from .querying import _DocumentVector, _fts_match, _ts_query, query_terms, ranked_ids

# Five pages of twenty: later pages rank every match, as before.
LEADING = 100
BATCH = 500
# FTS5's bm25(): its constants, and the column weights of the rank the index is queried with (migration 0003).
K1, B = 1.2, 0.75
SUMMARY_WEIGHT, BODY_WEIGHT = 10, 1
# FTS5's averages record of the index (the number of rows, then each column's total of tokens): see _average.
_AVERAGES = "SELECT block FROM policies_searchindexentry_data WHERE id = 1"


def is_stored_word(word):
    """Whether ``word`` can have a row: one term of the index, letters and digits only, lower case (what
    ``segmentation.normalize`` leaves), so that both engines read it as one word."""
    return bool(word) and word.isalnum() and word == word.lower()


def _postgresql(using):
    return connections[using].vendor == "postgresql"


@dataclass
class Stored:
    """A word's row as a search reads it: ``documents`` and ``ids``, the first ``len(ids)`` in order."""

    documents: int
    ids: list


def stored(word, using=DEFAULT_DB_ALIAS):
    if not is_stored_word(word):
        return None
    rows = SearchWord.objects.using(using).filter(word=word)
    if _postgresql(using):
        row = rows.values_list("documents", "leading").first()
        return None if row is None else Stored(row[0], [pk for _, pk in row[1]])
    # The index's average length, read in the same query (FTS5 keeps it in its averages record).
    row = rows.annotate(averages=RawSQL(_AVERAGES, [])).values_list(
        "documents", "leading", "averages"
    ).first()
    return None if row is None else Stored(row[0], [entry[-1] for entry in _ordered(row[1], _average(row[2]))])


def ranked_matches(query):
    """The ids of every commitment containing every word of ``query``, best first (as ``search_commitments``
    orders them, ties by id): countable and sliceable, read from the full-text index alone (``ranked_ids``),
    or for one word from its stored row: one row however common the word.

    For a search with no other filter."""
    return RankedMatches(query_terms(query))


class RankedMatches:
    """``ranked_matches``' answer: ``count()``, ``[start:stop]`` and iteration. A word's stored row is read
    once, and answers the count and the pages it lists; later pages are ranked by the index, without the
    listed ids, so that no page repeats or skips one."""

    def __init__(self, terms):
        self.terms = terms

    @cached_property
    def _stored(self):
        return stored(self.terms[0]) if len(self.terms) == 1 else None

    def count(self):
        return self._stored.documents if self._stored is not None else ranked_ids(self.terms).count()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None or (key.start or 0) < 0 or (key.stop or 0) < 0:
            raise TypeError("ranked_matches take a slice of non-negative bounds")
        start, stop = key.start or 0, key.stop
        if self._stored is None:
            return ranked_ids(self.terms)[start:stop]
        listed = self._stored.ids
        if len(listed) >= self._stored.documents or (stop is not None and stop <= len(listed)):
            return listed[start:stop]
        rest = ranked_ids(self.terms).exclude(pk__in=listed)
        rest = rest[max(start - len(listed), 0) : None if stop is None else stop - len(listed)]
        return listed[start:stop] + list(rest)

    def __iter__(self):
        return iter(self[0:])


def _varints(data):
    """SQLite's variable-length integers (big-endian, 7 bits a byte, all 8 bits of a ninth byte)."""
    values, i = [], 0
    while i < len(data):
        value = 0
        for n in range(9):
            byte = data[i]
            i += 1
            if n == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values


def _average(averages):
    """Tokens per document over both columns, as bm25() reads it: FTS5's averages record is the number of
    rows, then each column's total of tokens."""
    if not averages:
        return 1.0
    rows, *tokens = _varints(bytes(averages))
    return sum(tokens) / rows if rows else 1.0


def _score(entry, average):
    """Higher is better. PostgreSQL: [ts_rank, id]. SQLite: [weighted count, length, id], scored as bm25()
    does without its factor for the word's rarity, the same for every document of one word."""
    if len(entry) == 2:
        return entry[0]
    weighted, length, _ = entry
    return (weighted * (K1 + 1.0)) / (weighted + K1 * (1 - B + B * length / average))


def _ordered(entries, average):
    return sorted(entries, key=lambda entry: (-_score(entry, average), entry[-1]))


def _current_average(using):
    if _postgresql(using):
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(_AVERAGES)
        row = cursor.fetchone()
    return _average(row[0] if row else None)


def _matching(word, using):
    """The index's rows of the documents containing ``word``: countable, not ranked."""
    if _postgresql(using):
        documents = SearchDocument.objects.using(using).alias(vector=_DocumentVector("summary"))
        return documents.filter(vector=_ts_query([word]))
    return models.QuerySet(SearchIndexEntry, using=using).filter(match=_fts_match([word]))


def _leading(word, using):
    """The first ``LEADING`` entries of ``word``, ranked now by the index, best first."""
    if _postgresql(using):
        from django.contrib.postgres.search import SearchRank

        ranked = _matching(word, using).annotate(score=SearchRank(_DocumentVector("summary"), _ts_query([word])))
        return [[score, pk] for pk, score in ranked.order_by("-score", "pk").values_list("pk", "score")[:LEADING]]
    ids = list(_matching(word, using).order_by("rank", "commitment_id").values_list("commitment_id", flat=True)[:LEADING])
    entries = _sqlite_entries(ids, using)
    return [entries[pk][word] for pk in ids if word in entries.get(pk, {})]


def from_scratch(word, using=DEFAULT_DB_ALIAS):
    """(documents, ids of the first ``LEADING``) of ``word``, ranked now by the index."""
    return _matching(word, using).count(), [entry[-1] for entry in _leading(word, using)]


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
    rows = (
        SearchWord(word=word, documents=documents, leading=_leading(word, using))
        for word, documents in sorted(_vocabulary(using).items())
    )
    SearchWord.objects.using(using).bulk_create(rows, batch_size=BATCH)


def _sqlite_entries(ids, using):
    """{commitment id: {word: [weighted count, length, id]}} from the documents' text: the index's tokens are
    the text's space-separated words (letters and digits only), so these are the numbers bm25() reads."""
    found = {}
    for pk, summary, body in SearchDocument.objects.using(using).filter(pk__in=ids).values_list("pk", "summary", "body"):
        summary, body = summary.split(), body.split()
        length = len(summary) + len(body)
        weighted = {}
        for word in summary:
            weighted[word] = weighted.get(word, 0) + SUMMARY_WEIGHT
        for word in body:
            weighted[word] = weighted.get(word, 0) + BODY_WEIGHT
        found[pk] = {word: [n, length, pk] for word, n in weighted.items() if is_stored_word(word)}
    return found


def _entries(ids, using):
    """{commitment id: {word: entry}} of these documents as the index holds them now."""
    if not _postgresql(using):
        return _sqlite_entries(ids, using)
    found = {}
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT d.commitment_id, t.lexeme, ts_rank(d.vector, plainto_tsquery('simple', t.lexeme)) "
            "FROM policies_searchdocument d CROSS JOIN LATERAL unnest(d.vector) t WHERE d.commitment_id = ANY(%s)",
            [list(ids)],
        )
        for pk, word, score in cursor.fetchall():
            if is_stored_word(word):
                found.setdefault(pk, {})[word] = [score, pk]
    return found


def before(ids, using=DEFAULT_DB_ALIAS):
    """{commitment id: {word, ...}}: what the documents of ``ids`` hold, read before they are rewritten (in
    the same transaction); None when a commitment is gone, its document deleted with it unread."""
    ids = list(ids)
    held = {pk: set(words) for pk, words in _entries(ids, using).items()}
    existing = set(Commitment.objects.using(using).filter(pk__in=ids).values_list("pk", flat=True))
    return None if set(ids) - existing - set(held) else held


def after(ids, held, using=DEFAULT_DB_ALIAS):
    """Bring every stored word the documents of ``ids`` held or hold in step with them."""
    ids = set(ids)
    gained = {}
    for pk, words in _entries(ids, using).items():
        for word, entry in words.items():
            gained.setdefault(word, {})[pk] = entry
    if held is None:
        _recount(ids, gained, using)
        return
    lost = {}
    for words in held.values():
        for word in words:
            lost[word] = lost.get(word, 0) + 1
    rows = _rows(set(gained) | set(lost), using)
    average = _current_average(using)
    changed, emptied, created = [], [], []
    for word in sorted(set(gained) | set(lost)):
        row, new = rows.get(word), gained.get(word, {})
        if row is None:
            documents = _matching(word, using).count()
            if documents:
                created.append(SearchWord(word=word, documents=documents, leading=_leading(word, using)))
            continue
        documents = row.documents - lost.get(word, 0) + len(new)
        if documents <= 0:
            emptied.append(row)
            continue
        row.leading = _merged(row, ids, new, word, average, using)
        row.documents = documents
        changed.append(row)
    _save(changed, emptied, created, using)


def _merged(row, ids, new, word, average, using):
    """The row's list with the rewritten documents' old entries out and their new ones in; ranked from the
    index again when what is left cannot be shown to be the first ``LEADING``."""
    kept = [entry for entry in row.leading if entry[-1] not in ids]
    merged = _ordered(kept + list(new.values()), average)
    if row.documents <= len(row.leading):
        return merged[:LEADING]  # it listed every document: no unlisted one to rank
    # Every unlisted document ranks after the list's last entry: what ranks before it is first.
    last = _ordered(row.leading, average)[-1]
    boundary = (-_score(last, average), last[-1])
    head = [entry for entry in merged if (-_score(entry, average), entry[-1]) <= boundary]
    return head[:LEADING] if len(head) >= LEADING else _leading(word, using)


def _rows(words, using):
    found, words = {}, sorted(words)
    for start in range(0, len(words), BATCH):
        for row in SearchWord.objects.using(using).filter(word__in=words[start : start + BATCH]):
            found[row.word] = row
    return found


def _save(changed, emptied, created, using):
    SearchWord.objects.using(using).filter(pk__in=[row.pk for row in emptied]).delete()
    SearchWord.objects.using(using).bulk_update(changed, ["documents", "leading"], batch_size=BATCH)
    SearchWord.objects.using(using).bulk_create(created, batch_size=BATCH)


def _recount(ids, gained, using):
    """After a commitment was deleted, whose words nobody read: every word counted again from the index's
    statistics, and the lists it was in (or that gained a rewritten document) brought in step."""
    counts = _vocabulary(using)
    average = _current_average(using)
    existing = {row.word: row for row in SearchWord.objects.using(using).all()}
    changed, emptied, created = [], [], []
    for word, row in existing.items():
        if word not in counts:
            emptied.append(row)
            continue
        new = gained.get(word, {})
        if new or counts[word] != row.documents or any(entry[-1] in ids for entry in row.leading):
            row.leading = _merged(row, ids, new, word, average, using)
            row.documents = counts[word]
            changed.append(row)
    for word in sorted(set(counts) - set(existing)):
        created.append(SearchWord(word=word, documents=counts[word], leading=_leading(word, using)))
    _save(changed, emptied, created, using)


def stored_words(using=DEFAULT_DB_ALIAS):
    """{word: (documents, ids of the first ones)} as searches read them now."""
    average = _current_average(using)
    rows = SearchWord.objects.using(using).values_list("word", "documents", "leading")
    return {word: (documents, [entry[-1] for entry in _ordered(leading, average)]) for word, documents, leading in rows}


def words_from_scratch(using=DEFAULT_DB_ALIAS):
    """What ``stored_words`` should be: every word of the index ranked now."""
    return {word: from_scratch(word, using) for word in _vocabulary(using)}
