"""The keywords of an organization or a key task: its commitments' words weighted by TF-IDF.

    keywords_for_organization(organization, n=8) -> [(word, weight)]
    keywords_for_task(task, n=8) -> [(word, weight)]   (the task's commitments, sub-items included)

IDF over every commitment's words; official-prose verbs (data/keyword_stopwords.txt) are left out.
"""

from functools import lru_cache

from ..models import Commitment, SearchDocument
from .segmentation import DATA_DIR
from .suggestions import documents_fingerprint
from .tfidf import TfIdf, cached

MIN_KEYWORD_LENGTH = 2
KEYWORD_STOP_WORDS_FILE = DATA_DIR / "keyword_stopwords.txt"


def _corpus_idf():
    return cached(
        "idf",
        lambda: TfIdf([words.split() for words in SearchDocument.objects.values_list("words", flat=True)]),
        documents_fingerprint,
    )


@lru_cache(maxsize=1)
def keyword_stop_words():
    lines = KEYWORD_STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _keywords(commitments, n):
    tfidf = _corpus_idf()
    hidden = keyword_stop_words()
    tokens = []
    for words in SearchDocument.objects.filter(commitment__in=commitments).values_list("words", flat=True):
        tokens.extend(w for w in words.split() if len(w) >= MIN_KEYWORD_LENGTH and not w.isdigit() and w not in hidden)
    weights = tfidf.weights(tokens)
    top = sorted(weights.items(), key=lambda pair: (-pair[1], pair[0]))[:n]
    if not top:
        return []
    highest = top[0][1]
    return [(word, round(weight / highest, 3)) for word, weight in top]


def keywords_for_organization(organization, n=8):
    """The organization's top words over its commitments: [(word, weight 0-1, the first is 1)]."""
    return _keywords(Commitment.objects.filter(organization=organization), n)


def keywords_for_task(task, n=8):
    """The top words of the commitments linked to ``task`` or its sub-items: [(word, weight 0-1)]."""
    return _keywords(Commitment.objects.under_task(task), n)
