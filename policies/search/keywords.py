"""The keywords of an organization or a key task: its commitments' words weighted by TF-IDF.

    keywords_for_organization(organization, n=8) -> [(word, weight)]
    keywords_for_task(task, n=8) -> [(word, weight)]   (the task's commitments, sub-items included)
    refresh_keywords(using=...)                         re-derive every stored keyword

IDF over every commitment's words; official-prose verbs (data/keyword_stopwords.txt) are left out.
The weights are computed when the index is written (``indexing``) or the links change
(``policies.invalidation.tasks_changed``) and stored as ``Keyword`` rows: a page reads at most
``KEYWORDS_KEPT`` rows, instead of each worker fitting IDF over every document on its first request.
Refreshing reads the whole corpus once (every owner's figures depend on the IDF), so it is done
for every owner at once: about a second at 100,000 commitments, paid by the write, not a visitor.
"""

from collections import defaultdict
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, transaction

from ..models import Commitment, Keyword, SearchDocument, TaskLink
from .segmentation import DATA_DIR
from .tfidf import TfIdf

MIN_KEYWORD_LENGTH = 2
KEYWORD_STOP_WORDS_FILE = DATA_DIR / "keyword_stopwords.txt"
# The most a page asks for; more are never shown.
KEYWORDS_KEPT = 12


@lru_cache(maxsize=1)
def keyword_stop_words():
    lines = KEYWORD_STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _stored(rows, n):
    return list(rows.order_by("rank").values_list("word", "weight")[:n])


def keywords_for_organization(organization, n=8):
    """The organization's top words over its commitments: [(word, weight 0-1, the first is 1)]."""
    return _stored(Keyword.objects.filter(organization=organization), n)


def keywords_for_task(task, n=8):
    """The top words of the commitments linked to ``task`` or its sub-items: [(word, weight 0-1)]."""
    return _stored(Keyword.objects.filter(task=task), n)


def _top(tfidf, tokens):
    weights = tfidf.weights(tokens)
    top = sorted(weights.items(), key=lambda pair: (-pair[1], pair[0]))[:KEYWORDS_KEPT]
    if not top:
        return []
    highest = top[0][1]
    return [(word, round(weight / highest, 3)) for word, weight in top]


def refresh_keywords(using=DEFAULT_DB_ALIAS):
    """Re-derive the stored keywords of every organization and key task from the search documents."""
    words = dict(SearchDocument.objects.using(using).values_list("commitment_id", "words").iterator(chunk_size=5000))
    tfidf = TfIdf([text.split() for text in words.values()])
    hidden = keyword_stop_words()
    shown = {
        pk: [w for w in text.split() if len(w) >= MIN_KEYWORD_LENGTH and not w.isdigit() and w not in hidden]
        for pk, text in words.items()
    }
    by_organization = defaultdict(list)
    for pk, organization_id in Commitment.objects.using(using).values_list("pk", "organization_id").iterator():
        by_organization[organization_id].append(pk)
    by_task = defaultdict(set)
    for pk, task_id, parent_id in TaskLink.objects.using(using).values_list("commitment_id", "task_id", "task__parent_id"):
        by_task[task_id].add(pk)
        if parent_id is not None:
            by_task[parent_id].add(pk)

    rows = []
    for owner, groups in (("organization_id", by_organization), ("task_id", by_task)):
        for owner_id, pks in groups.items():
            tokens = [w for pk in pks for w in shown.get(pk, ())]
            rows += [Keyword(**{owner: owner_id}, rank=rank, word=word, weight=weight)
                     for rank, (word, weight) in enumerate(_top(tfidf, tokens), start=1)]
    with transaction.atomic(using=using):
        Keyword.objects.using(using).all().delete()
        Keyword.objects.using(using).bulk_create(rows, batch_size=2000)
    return len(rows)
