"""What the suggested key tasks are fitted from, stored: how many search documents contain each word,
among every commitment and among each key task's curated commitments.

    count_commitments(ids, using=...)   bring these commitments' counts in step with their documents and links
    count_links(using=...)              the same for every commitment whose curated links moved
    recount(using=...)                  every count from scratch (``rebuild_index``)
    stored_counts(using=...) -> Counts  what a process fits the suggestions from: a few thousand rows
    counts_from_scratch(using=...) -> Counts   what they should be: every document and curated link counted
    counts_of(documents, links) -> Counts   the same from plain data (evaluation)
    version(using=...)                  raised with every change: whether a process's fit is current

The counts are whole numbers, so keeping them in step one commitment at a time gives exactly what
counting from scratch gives, and a write costs the words of the commitments it touched, not a pass over
every document (which at 100,000 commitments took each worker 7 seconds after every edit).
``SuggestionDocument`` records what each commitment is counted with, so that a deleted commitment, a
changed text or a link that moved is counted out from that record, whatever path made the change.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction

from ..choices import LinkOrigin
from ..models import KeyTask, SearchDocument, SuggestionDocument, SuggestionState, SuggestionWord, TaskLink
from . import segmentation

BATCH = 500


@dataclass
class Counts:
    """``documents``: how many search documents; ``corpus``: {word: documents containing it};
    ``tasks``: {task id: {word: curated commitments of the task containing it}}."""

    documents: int = 0
    corpus: dict = field(default_factory=dict)
    tasks: dict = field(default_factory=dict)


def document_words(words):
    """The distinct words a document is counted with: its words and the dictionary words inside them."""
    return sorted(set(segmentation.expand(words.split())))


def _keys(words, task_ids):
    for word in words:
        yield None, word
        for task_id in task_ids:
            yield task_id, word


def counts_of(documents, links, *, exclude_commitment_id=None):
    """Counts from plain data: ``documents`` {commitment id: tokens}, ``links`` [(commitment id, task id)] curated."""
    linked = defaultdict(list)
    for commitment_id, task_id in links:
        linked[commitment_id].append(task_id)
    counts = Counts()
    corpus, tasks = Counter(), defaultdict(Counter)
    for commitment_id, tokens in documents.items():
        if commitment_id == exclude_commitment_id:
            continue
        counts.documents += 1
        words = set(tokens)
        corpus.update(words)
        for task_id in linked.get(commitment_id, ()):
            tasks[task_id].update(words)
    counts.corpus, counts.tasks = dict(corpus), {task_id: dict(words) for task_id, words in tasks.items()}
    return counts


def counts_from_scratch(using=DEFAULT_DB_ALIAS):
    """Every search document and curated link counted now, as ``recount`` would store them."""
    rows = SearchDocument.objects.using(using).values_list("pk", "words")
    documents = {pk: document_words(words) for pk, words in rows.iterator(chunk_size=2000)}
    links = TaskLink.objects.using(using).filter(origin=LinkOrigin.CURATED).values_list("commitment_id", "task_id")
    return counts_of(documents, links)


def version(using=DEFAULT_DB_ALIAS):
    return SuggestionState.objects.using(using).values_list("version", flat=True).first()


def _bump(using):
    # First in the transaction: it takes the row's lock (on SQLite, IMMEDIATE transactions already hold
    # the write lock), so two processes never read and write the same counts at once. A new random
    # value, not a number plus one: after a restore, or a rolled-back test, a number would come round
    # again over different counts and a process would keep a model that is no longer theirs.
    if not SuggestionState.objects.using(using).filter(pk=1).update(version=uuid.uuid4()):
        SuggestionState.objects.using(using).create(pk=1, version=uuid.uuid4())


def hold(using=DEFAULT_DB_ALIAS):
    """Take the counts' lock first in a transaction that rewrites search documents, so that no other
    process rewrites them between this one reading what they held and counting what they hold."""
    _bump(using)


def stored_counts(using=DEFAULT_DB_ALIAS):
    counts = Counts(documents=SuggestionDocument.objects.using(using).count())
    tasks = defaultdict(dict)
    rows = SuggestionWord.objects.using(using).values_list("task_id", "word", "documents")
    for task_id, word, documents in rows.iterator(chunk_size=5000):
        if task_id is None:
            counts.corpus[word] = documents
        else:
            tasks[task_id][word] = documents
    counts.tasks = dict(tasks)
    return counts


def counted(commitment_id, using=DEFAULT_DB_ALIAS):
    """(words, task ids) a commitment is counted with, or None."""
    row = SuggestionDocument.objects.using(using).filter(pk=commitment_id).values_list("words", "tasks").first()
    return None if row is None else (row[0].split(), [int(t) for t in row[1].split()])


def _curated(commitment_ids, using):
    tasks = defaultdict(list)
    links = TaskLink.objects.using(using).filter(commitment_id__in=commitment_ids, origin=LinkOrigin.CURATED)
    for commitment_id, task_id in links.order_by("commitment_id", "task_id").values_list("commitment_id", "task_id"):
        tasks[commitment_id].append(task_id)
    return tasks


def count_commitments(commitment_ids, *, using=DEFAULT_DB_ALIAS):
    """Count these commitments out as recorded and in again as their documents and curated links are now."""
    ids = list(commitment_ids)
    with transaction.atomic(using=using):
        _bump(using)
        for start in range(0, len(ids), BATCH):
            _count_batch(ids[start : start + BATCH], using)


def _count_batch(ids, using):
    delta = Counter()
    recorded = SuggestionDocument.objects.using(using).filter(pk__in=ids)
    for words, tasks in recorded.values_list("words", "tasks"):
        for key in _keys(words.split(), [int(t) for t in tasks.split()]):
            delta[key] -= 1
    texts = dict(SearchDocument.objects.using(using).filter(pk__in=ids).values_list("pk", "words"))
    tasks = _curated(list(texts), using)
    rows = []
    for commitment_id, text in texts.items():
        words = document_words(text)
        for key in _keys(words, tasks[commitment_id]):
            delta[key] += 1
        rows.append(SuggestionDocument(commitment_id, " ".join(words), " ".join(map(str, tasks[commitment_id]))))
    recorded.delete()
    SuggestionDocument.objects.using(using).bulk_create(rows)
    _apply({key: d for key, d in delta.items() if d}, using)


def _apply(delta, using):
    if not delta:
        return
    words = sorted({word for _, word in delta})
    existing = {}
    for start in range(0, len(words), BATCH):
        rows = SuggestionWord.objects.using(using).filter(word__in=words[start : start + BATCH])
        for row in rows.only("pk", "task_id", "word", "documents"):
            if (row.task_id, row.word) in delta:
                existing[row.task_id, row.word] = row
    # A task deleted since took its rows with it: nothing of it to count.
    tasks = set(KeyTask.objects.using(using).filter(pk__in={t for t, _ in delta if t is not None}).values_list("pk", flat=True))
    changed, emptied, created = [], [], []
    for (task_id, word), d in delta.items():
        row = existing.get((task_id, word))
        if row is not None:
            row.documents += d
            (changed if row.documents > 0 else emptied).append(row)
        elif d > 0 and (task_id is None or task_id in tasks):
            created.append(SuggestionWord(task_id=task_id, word=word, documents=d))
    SuggestionWord.objects.using(using).filter(pk__in=[row.pk for row in emptied]).delete()
    SuggestionWord.objects.using(using).bulk_update(changed, ["documents"], batch_size=BATCH)
    SuggestionWord.objects.using(using).bulk_create(created, batch_size=BATCH)


def count_links(*, using=DEFAULT_DB_ALIAS):
    """Count again every commitment whose curated links are not those it is counted with (a link added,
    moved or deleted by a path that did not say which commitment: the links' admin, a key task deleted)."""
    current = _curated(SearchDocument.objects.using(using).values("pk"), using)
    rows = SuggestionDocument.objects.using(using).values_list("pk", "tasks")
    stale = [pk for pk, tasks in rows.iterator(chunk_size=5000) if tasks != " ".join(map(str, current.get(pk, ())))]
    count_commitments(stale, using=using)
    return len(stale)


def recount(*, using=DEFAULT_DB_ALIAS):
    """Every count from the search documents and curated links, from scratch."""
    with transaction.atomic(using=using):
        _bump(using)
        SuggestionWord.objects.using(using).all().delete()
        SuggestionDocument.objects.using(using).all().delete()
        linked = defaultdict(list)
        links = TaskLink.objects.using(using).filter(origin=LinkOrigin.CURATED).order_by("commitment_id", "task_id")
        for commitment_id, task_id in links.values_list("commitment_id", "task_id").iterator(chunk_size=5000):
            linked[commitment_id].append(task_id)
        counts = Counter()
        batch = []
        rows = SearchDocument.objects.using(using).order_by("pk").values_list("pk", "words")
        for commitment_id, text in rows.iterator(chunk_size=2000):
            words = document_words(text)
            counts.update(_keys(words, linked[commitment_id]))
            batch.append(SuggestionDocument(commitment_id, " ".join(words), " ".join(map(str, linked[commitment_id]))))
            if len(batch) >= BATCH:
                SuggestionDocument.objects.using(using).bulk_create(batch)
                batch = []
        SuggestionDocument.objects.using(using).bulk_create(batch)
        SuggestionWord.objects.using(using).bulk_create(
            (SuggestionWord(task_id=task_id, word=word, documents=n) for (task_id, word), n in counts.items()),
            batch_size=BATCH,
        )
