"""TF-IDF over jieba's words, and the per-process cache of what is fitted with it.

Vectors are sublinear TF × IDF, L2-normalised dicts; ``cosine`` compares two of them. The task
suggestions' model is cached per process under a fingerprint of the stored counts it was read from
(their version, raised by every write that changes them, in any process); ``forget_fitted()`` drops
it, for tests that change rows around the write paths.
"""

import math
import threading
from collections import Counter


class TfIdf:
    """IDF from token lists (any iterable, read once); vectors are sublinear TF × IDF, L2-normalised dicts."""

    def __init__(self, documents):
        self.size = 0
        self.df = Counter()
        for tokens in documents:
            self.size += 1
            self.df.update(set(tokens))

    @classmethod
    def from_counts(cls, size, df):
        """From counts kept elsewhere: ``size`` documents, ``df`` {token: documents containing it}."""
        tfidf = cls(())
        tfidf.size, tfidf.df = size, df
        return tfidf

    def idf(self, token):
        return idf(self.size, self.df.get(token, 0))

    def weights(self, tokens):
        counts = Counter(tokens)
        return {t: weight(c, self.idf(t)) for t, c in counts.items()}

    def vector(self, tokens):
        return normalised(self.weights(tokens))


def idf(documents, containing):
    """A token's IDF among ``documents``, ``containing`` of which hold it; smoothed, so that a token absent
    from the corpus still counts (as the rarest)."""
    return math.log((1 + documents) / (1 + containing)) + 1.0


def weight(count, token_idf):
    """Sublinear TF × IDF of a token seen ``count`` times."""
    return (1.0 + math.log(count)) * token_idf


def normalised(weights):
    norm = math.sqrt(sum(w * w for w in weights.values()))
    return {t: w / norm for t, w in weights.items()} if norm else {}


def add(target, vector, factor=1.0):
    for t, w in vector.items():
        target[t] = target.get(t, 0.0) + factor * w


def cosine(a, b):
    if len(a) > len(b):
        a, b = b, a
    return sum(w * b.get(t, 0.0) for t, w in a.items())



_cache_lock = threading.Lock()
_cache = {}


def cached(name, build, fingerprint):
    key = fingerprint()
    with _cache_lock:
        hit = _cache.get(name)
        if hit and hit[0] == key:
            return hit[1]
    value = build()
    with _cache_lock:
        _cache[name] = (key, value)
    return value


def forget_fitted():
    """Forget every model this process holds (tests that change rows around the write paths)."""
    with _cache_lock:
        _cache.clear()
