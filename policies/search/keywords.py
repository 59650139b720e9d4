"""The keywords of an organization or a key task: its commitments' words weighted by TF-IDF.

    keywords_for_organization(organization, n=8) -> [(word, weight)]
    keywords_for_task(task, n=8) -> [(word, weight)]   (the task's commitments, sub-items included)
    refresh_owners(owners, words=..., documents_moved=..., using=...)   weigh again what a count moved
    refresh_keywords(using=...)                         weigh again every owner's keywords from the stored counts
    stored_keywords(using=...) -> {owner: [(word, weight)]}         what the pages show
    keywords_from_scratch(using=...) -> {owner: [(word, weight)]}   what they should be: every document read

IDF over every commitment's words; official-prose verbs (data/keyword_stopwords.txt) are left out.
The weights are stored as ``Keyword`` rows: a page reads at most ``KEYWORDS_KEPT`` rows. They are
weighed from ``KeywordCount`` (kept in step one commitment at a time by ``word_counts``), so that a write
weighs again only the owners it moved, from their own counts, instead of every document (twice 4 s per
admin save at 100,000 commitments). A changed text moves the IDF of the words it adds or takes out, so
besides its own organization and tasks the owners that list such a word are weighed again, and those
whose last keyword such a word, now rarer, outranks; no other owner's list can change. A new or deleted
commitment moves every IDF: every owner is weighed again from the counts (about 0.5 s at 100,000). The
stored keywords therefore always equal ``keywords_from_scratch``, with no periodic job to bring them back.
"""

import heapq
from collections import Counter, defaultdict
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Q

from ..models import Commitment, Keyword, KeywordCount, SearchDocument, SuggestionState, TaskLink
from . import tfidf
from .segmentation import DATA_DIR

MIN_KEYWORD_LENGTH = 2
KEYWORD_STOP_WORDS_FILE = DATA_DIR / "keyword_stopwords.txt"
# The most a page asks for; more are never shown.
KEYWORDS_KEPT = 12


@lru_cache(maxsize=1)
def keyword_stop_words():
    lines = KEYWORD_STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def keyword_words(words):
    """The words of a search document's ``words`` that may be keywords, repeated as often as they occur."""
    hidden = keyword_stop_words()
    return [w for w in words.split() if len(w) >= MIN_KEYWORD_LENGTH and not w.isdigit() and w not in hidden]


def _stored(rows, n):
    return list(rows.order_by("rank").values_list("word", "weight")[:n])


def keywords_for_organization(organization, n=8):
    """The organization's top words over its commitments: [(word, weight 0-1, the first is 1)]."""
    return _stored(Keyword.objects.filter(organization=organization), n)


def keywords_for_task(task, n=8):
    """The top words of the commitments linked to ``task`` or its sub-items: [(word, weight 0-1)]."""
    return _stored(Keyword.objects.filter(task=task), n)


def _documents(using):
    # Kept with the counts (``word_counts``): a COUNT(*) would read every document on PostgreSQL.
    return SuggestionState.objects.using(using).values_list("documents", flat=True).first() or 0


def _top(occurrences, idf):
    """The top words of an owner: ``occurrences`` {word: times among its commitments}, ``idf`` {word: its IDF}:
    [(word, weight relative to the first, score)], best first."""
    scores = {w: tfidf.weight(c, idf[w]) for w, c in occurrences.items()}
    top = heapq.nsmallest(KEYWORDS_KEPT, scores.items(), key=lambda pair: (-pair[1], pair[0]))
    if not top:
        return []
    highest = top[0][1]
    return [(word, round(score / highest, 3), score) for word, score in top]


def _owned(owners):
    organizations = {o for o, _ in owners if o is not None}
    tasks = {t for _, t in owners if t is not None}
    return Q(organization_id__in=organizations) | Q(task_id__in=tasks)


def _reweigh(owned, using):
    """Weigh the keywords of the owners ``owned`` selects; write those that differ from what is stored."""
    counts = KeywordCount.objects.using(using)
    occurrences = defaultdict(dict)
    for organization_id, task_id, word, count in (
        counts.filter(owned).values_list("organization_id", "task_id", "word", "count").iterator(chunk_size=5000)
    ):
        occurrences[organization_id, task_id][word] = count
    # Their words' document counts in one more query (a subquery per row took twice as long).
    corpus = counts.filter(organization=None, task=None, word__in=counts.filter(owned).values("word"))
    size = _documents(using)
    idf = {word: tfidf.idf(size, containing) for word, containing in corpus.values_list("word", "count").iterator(chunk_size=5000)}
    weighed = {owner: _top(words, idf) for owner, words in occurrences.items()}
    stored = defaultdict(list)
    for organization_id, task_id, *row in (
        Keyword.objects.using(using).filter(owned).order_by("rank")
        .values_list("organization_id", "task_id", "word", "weight", "score")
    ):
        stored[organization_id, task_id].append(tuple(row))
    # An owner left with no counts (its last commitment gone) keeps no keywords.
    # In owner order, so that the same data always gives the same rows (the demo data's seed, a restore).
    changed = sorted(
        (owner for owner in weighed.keys() | stored.keys() if weighed.get(owner, []) != stored.get(owner, [])),
        key=lambda owner: (owner[0] is None, owner[0] or 0, owner[1] or 0),
    )
    if changed:
        Keyword.objects.using(using).filter(_owned(changed)).delete()
        Keyword.objects.using(using).bulk_create(
            [
                Keyword(organization_id=organization_id, task_id=task_id, rank=rank, word=word, weight=weight, score=score)
                for organization_id, task_id in changed
                for rank, (word, weight, score) in enumerate(weighed.get((organization_id, task_id), []), start=1)
            ],
            batch_size=2000,
        )
    return len(changed)


def _outranking(rising, skip, using):
    """The owners, other than ``skip``, whose last kept keyword one of ``rising`` (words whose IDF rose) now
    outranks: the only way a word not kept can enter an owner's list when nothing else of it moved."""
    size = _documents(using)
    corpus = KeywordCount.objects.using(using).filter(organization=None, task=None)
    containing = dict(corpus.filter(word__in=rising).values_list("word", "count"))
    sharing = KeywordCount.objects.using(using).filter(word__in=rising).exclude(organization=None, task=None)
    last = {
        (organization_id, task_id): (-score, word)
        for organization_id, task_id, word, score in Keyword.objects.using(using).filter(rank=KEYWORDS_KEPT).filter(
            Q(organization_id__in=sharing.values("organization_id")) | Q(task_id__in=sharing.values("task_id"))
        ).values_list("organization_id", "task_id", "word", "score")
    }
    found = set()
    for organization_id, task_id, word, count in sharing.values_list("organization_id", "task_id", "word", "count"):
        owner = (organization_id, task_id)
        if owner in skip or owner in found:
            continue
        # Fewer than KEYWORDS_KEPT kept: every word of the owner is among them, and listed already.
        if owner not in last or (-tfidf.weight(count, tfidf.idf(size, containing[word])), word) < last[owner]:
            found.add(owner)
    return found


def refresh_owners(owners, *, words=None, documents_moved=0, using=DEFAULT_DB_ALIAS):
    """Weigh again from the stored counts the keywords that a count moved: those of ``owners`` [(organization
    id, None) or (None, task id)], whose counts moved; of every owner when the number of documents moved
    (every IDF did); and where ``words`` {word: change of the documents containing it} moved an IDF, those of
    the owners that list the word (its score moved) or that it now enters (its score rose past their last).

    Any other owner's list is unchanged: only these words' scores moved, and a score that fell cannot
    enter a list. So the stored keywords always equal a refresh of every owner (``keywords_from_scratch``)."""
    if documents_moved:
        return refresh_keywords(using=using)
    owners = set(owners)
    words = {word: d for word, d in (words or {}).items() if d}
    if words:
        listing = Keyword.objects.using(using).filter(word__in=sorted(words)).values_list("organization_id", "task_id")
        owners |= set(listing.distinct())
        rising = sorted(word for word, d in words.items() if d < 0)
        if rising:
            owners |= _outranking(rising, owners, using)
    if not owners:
        return 0
    with transaction.atomic(using=using):
        return _reweigh(_owned(owners), using)


def refresh_keywords(using=DEFAULT_DB_ALIAS):
    """Weigh again the stored keywords of every organization and key task from the stored counts.
    Returns how many owners' keywords changed."""
    with transaction.atomic(using=using):
        return _reweigh(~Q(organization=None, task=None), using)


def stored_keywords(using=DEFAULT_DB_ALIAS):
    """{(organization id, task id): [(word, weight)]}, as the pages read them."""
    stored = defaultdict(list)
    for organization_id, task_id, word, weight in (
        Keyword.objects.using(using).order_by("rank").values_list("organization_id", "task_id", "word", "weight")
    ):
        stored[organization_id, task_id].append((word, weight))
    return dict(stored)


def keywords_from_scratch(using=DEFAULT_DB_ALIAS):
    """{(organization id, task id): [(word, weight)]} from every search document and link, read now."""
    words = dict(SearchDocument.objects.using(using).values_list("commitment_id", "words").iterator(chunk_size=5000))
    containing = Counter()
    for text in words.values():
        containing.update(set(text.split()))
    shown = {pk: Counter(keyword_words(text)) for pk, text in words.items()}
    groups = defaultdict(set)
    for pk, organization_id in Commitment.objects.using(using).values_list("pk", "organization_id").iterator():
        groups[organization_id, None].add(pk)
    for pk, task_id, parent_id in TaskLink.objects.using(using).values_list("commitment_id", "task_id", "task__parent_id"):
        groups[None, task_id].add(pk)
        if parent_id is not None:
            groups[None, parent_id].add(pk)
    idf = {word: tfidf.idf(len(words), n) for word, n in containing.items()}
    weighed = {}
    for owner, pks in groups.items():
        occurrences = Counter()
        for pk in pks:
            occurrences.update(shown.get(pk, ()))
        top = _top(occurrences, idf)
        if top:
            weighed[owner] = [(word, weight) for word, weight, _ in top]
    return weighed
