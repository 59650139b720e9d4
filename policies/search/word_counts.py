"""What the suggested key tasks are fitted from, stored: how many search documents contain each word,
among every commitment and among each key task's curated commitments; and what the keywords are weighted
from: how many documents contain each keyword word, and how often it occurs among each organization's and
each key task's commitments (``KeywordCount``).

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
The keywords of the organizations and key tasks whose counts moved are weighed again in the same
transaction (``keywords.refresh_owners``); see ``keywords`` for the others'.
"""

import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Q

from ..choices import LinkOrigin
from ..models import (
    Commitment, KeyTask, KeywordCount, Organization, SearchDocument, SuggestionDocument, SuggestionState, SuggestionWord,
    TaskLink,
)
from . import keywords, segmentation

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


def _keyword_keys(words, organization_id, task_ids):
    """((organization id, task id, word), n) of ``KeywordCount``: the corpus's (no owner) once per document."""
    for word, n in Counter(words).items():
        yield (None, None, word), 1
        if organization_id is not None:
            yield (organization_id, None, word), n
        for task_id in task_ids:
            yield (None, task_id, word), n


def _ids(text):
    return [int(t) for t in text.split()]


def _owners(commitment_ids, using):
    """{commitment id: (organization id, [task ids])}: the owners whose keywords its words count for,
    a linked task's parent included (whatever the link's origin), as ``keywords`` groups them."""
    tasks = defaultdict(set)
    links = TaskLink.objects.using(using).filter(commitment_id__in=commitment_ids)
    for commitment_id, task_id, parent_id in links.values_list("commitment_id", "task_id", "task__parent_id"):
        tasks[commitment_id] |= {task_id} if parent_id is None else {task_id, parent_id}
    rows = Commitment.objects.using(using).filter(pk__in=commitment_ids).order_by().values_list("pk", "organization_id")
    return {pk: (organization_id, sorted(tasks[pk])) for pk, organization_id in rows}


def count_commitments(commitment_ids, *, using=DEFAULT_DB_ALIAS):
    """Count these commitments out as recorded and in again as their documents and links are now, and
    weigh again the keywords whose counts moved (``keywords.refresh_owners``)."""
    ids = list(commitment_ids)
    with transaction.atomic(using=using):
        _bump(using)
        moved = Moved()
        for start in range(0, len(ids), BATCH):
            _count_batch(ids[start : start + BATCH], moved, using)
        if moved.documents:
            SuggestionState.objects.using(using).filter(pk=1).update(documents=F("documents") + moved.documents)
        keywords.refresh_owners(moved.owners, words=moved.words, documents_moved=moved.documents, using=using)


@dataclass
class Moved:
    """What a count moved for the keywords: ``owners`` (organization id, task id) whose own counts moved,
    ``words`` {word: change of the documents containing it}, and ``documents``: documents counted in less those counted out."""

    owners: set = field(default_factory=set)
    words: Counter = field(default_factory=Counter)
    documents: int = 0


def _count_batch(ids, moved, using):
    delta, keyword_delta = Counter(), Counter()
    recorded = SuggestionDocument.objects.using(using).filter(pk__in=ids)
    for words, tasks, keyword_words, organization_id, keyword_tasks in recorded.values_list(
        "words", "tasks", "keyword_words", "organization_id", "keyword_tasks"
    ):
        moved.documents -= 1
        for key in _keys(words.split(), _ids(tasks)):
            delta[key] -= 1
        for key, n in _keyword_keys(keyword_words.split(), organization_id, _ids(keyword_tasks)):
            keyword_delta[key] -= n
    texts = dict(SearchDocument.objects.using(using).filter(pk__in=ids).values_list("pk", "words"))
    tasks = _curated(list(texts), using)
    owners = _owners(list(texts), using)
    rows = []
    for commitment_id, text in texts.items():
        moved.documents += 1
        rows.append(_counted_in(commitment_id, text, tasks[commitment_id], owners, delta, keyword_delta))
    recorded.delete()
    SuggestionDocument.objects.using(using).bulk_create(rows)
    _apply({key: d for key, d in delta.items() if d}, using)
    keyword_delta = {key: d for key, d in keyword_delta.items() if d}
    _apply_keyword_counts(keyword_delta, using)
    for (organization_id, task_id, word), d in keyword_delta.items():
        if organization_id is None and task_id is None:
            moved.words[word] += d
        else:
            moved.owners.add((organization_id, task_id))


def _counted_in(commitment_id, text, tasks, owners, counts, keyword_counts):
    """A document's words added to ``counts`` (the suggestions') and ``keyword_counts`` (its organization's and
    key tasks' keywords), and the record of what was counted, to take it out again when the document changes."""
    words = document_words(text)
    counts.update(_keys(words, tasks))
    shown = sorted(keywords.keyword_words(text))
    organization_id, keyword_tasks = owners.get(commitment_id, (None, []))
    for key, n in _keyword_keys(shown, organization_id, keyword_tasks):
        keyword_counts[key] += n
    return SuggestionDocument(
        commitment_id, " ".join(words), " ".join(map(str, tasks)),
        keyword_words=" ".join(shown), organization_id=organization_id, keyword_tasks=" ".join(map(str, keyword_tasks)),
    )


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


def _apply_keyword_counts(delta, using):
    if not delta:
        return
    organizations = {o for o, _, _ in delta if o is not None}
    tasks = {t for _, t, _ in delta if t is not None}
    owned = Q(organization_id__in=organizations) | Q(task_id__in=tasks) | Q(organization=None, task=None)
    words = sorted({word for _, _, word in delta})
    existing = {}
    for start in range(0, len(words), BATCH):
        rows = KeywordCount.objects.using(using).filter(owned, word__in=words[start : start + BATCH])
        for row in rows.only("pk", "organization_id", "task_id", "word", "count"):
            existing[row.organization_id, row.task_id, row.word] = row
    # An owner deleted since took its rows with it: nothing of it to count.
    organizations = set(Organization.objects.using(using).filter(pk__in=organizations).values_list("pk", flat=True))
    tasks = set(KeyTask.objects.using(using).filter(pk__in=tasks).values_list("pk", flat=True))
    changed, emptied, created = [], [], []
    for (organization_id, task_id, word), d in delta.items():
        row = existing.get((organization_id, task_id, word))
        if row is not None:
            row.count += d
            (changed if row.count > 0 else emptied).append(row)
        elif d > 0 and (organization_id in organizations or task_id in tasks or (organization_id is None and task_id is None)):
            created.append(KeywordCount(organization_id=organization_id, task_id=task_id, word=word, count=d))
    KeywordCount.objects.using(using).filter(pk__in=[row.pk for row in emptied]).delete()
    KeywordCount.objects.using(using).bulk_update(changed, ["count"], batch_size=BATCH)
    KeywordCount.objects.using(using).bulk_create(created, batch_size=BATCH)


def count_links(*, using=DEFAULT_DB_ALIAS):
    """Count again every commitment whose links are not those it is counted with (a link added, moved or
    deleted by a path that did not say which commitment: the links' admin, a key task deleted or moved
    under another parent)."""
    documents = SearchDocument.objects.using(using).values("pk")
    current, owners = _curated(documents, using), _owners(documents, using)
    rows = SuggestionDocument.objects.using(using).values_list("pk", "tasks", "organization_id", "keyword_tasks")
    stale = [
        pk for pk, tasks, organization_id, keyword_tasks in rows.iterator(chunk_size=5000)
        if tasks != " ".join(map(str, current.get(pk, ())))
        or (organization_id, _ids(keyword_tasks)) != owners.get(pk, (None, []))
    ]
    count_commitments(stale, using=using)
    return len(stale)


def recount(*, using=DEFAULT_DB_ALIAS):
    """Every count from the search documents and curated links, from scratch."""
    with transaction.atomic(using=using):
        _bump(using)
        SuggestionWord.objects.using(using).all().delete()
        SuggestionDocument.objects.using(using).all().delete()
        KeywordCount.objects.using(using).all().delete()
        linked = defaultdict(list)
        links = TaskLink.objects.using(using).filter(origin=LinkOrigin.CURATED).order_by("commitment_id", "task_id")
        for commitment_id, task_id in links.values_list("commitment_id", "task_id").iterator(chunk_size=5000):
            linked[commitment_id].append(task_id)
        owners = _owners(SearchDocument.objects.using(using).values("pk"), using)
        counts, keyword_counts = Counter(), Counter()
        batch = []
        rows = SearchDocument.objects.using(using).order_by("pk").values_list("pk", "words")
        for commitment_id, text in rows.iterator(chunk_size=2000):
            batch.append(_counted_in(commitment_id, text, linked[commitment_id], owners, counts, keyword_counts))
            if len(batch) >= BATCH:
                SuggestionDocument.objects.using(using).bulk_create(batch)
                batch = []
        SuggestionDocument.objects.using(using).bulk_create(batch)
        SuggestionWord.objects.using(using).bulk_create(
            (SuggestionWord(task_id=task_id, word=word, documents=n) for (task_id, word), n in counts.items()),
            batch_size=BATCH,
        )
        KeywordCount.objects.using(using).bulk_create(
            (KeywordCount(organization_id=o, task_id=t, word=word, count=n) for (o, t, word), n in keyword_counts.items()),
            batch_size=BATCH,
        )
        SuggestionState.objects.using(using).filter(pk=1).update(documents=SuggestionDocument.objects.using(using).count())
        keywords.refresh_keywords(using=using)
