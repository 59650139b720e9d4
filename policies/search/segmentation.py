"""Chinese word segmentation: the only module that imports jieba.

jieba's dictionary takes about a second and ~100 MB to load, so it is loaded lazily, once per
process, the first time text is segmented; ``manage.py migrate``/``check`` and workers that never
search never pay for it. A server that will search calls ``warm_up()`` before it forks its
workers, so the workers share the loaded dictionary (README, "Chinese search", shows the gunicorn hook).

Two ways to cut, and why:
- ``tokenize(text)``: jieba's precise mode. Queries, TF-IDF and keywords use it: one reading of the text.
- ``index_tokens(text)``: precise mode plus every dictionary word and every character inside a
  longer token, so a document that says 成渝地区双城经济圈 is also found by 双城经济圈, 成渝 or 渝.
- ``tag(text)``: words with their part of speech (jieba.posseg), for reading a text once, such as
  finding the officials' names (flag ``nr``) in a conference report.

Tokens are normalised (lower case, punctuation removed: 西部（重庆）科学城 → 西部重庆科学城) so that
both database engines' own tokenizers see one token per jieba token.
HMM new-word guessing is off: a query cut on its own must give the same tokens as the same words
inside a document, and the HMM guesses depend on the neighbouring characters.
"""

import logging
import re
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DATA_DIR = Path(__file__).resolve().parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"
STOP_WORDS_FILE = DATA_DIR / "stopwords.txt"

_lock = threading.Lock()
_tokenizer = None
_tagger = None

# Anything that is not a letter or digit (CJK ideographs are letters) splits tokens.
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_CJK = re.compile(r"[\u4e00-\u9fff]")
# jieba cuts at punctuation before it looks in the dictionary, so terms that contain punctuation
# (西部（重庆）科学城) are matched here first and kept whole.
_SPECIAL_TERMS_RE = None


def is_loaded():
    """Whether this process has loaded jieba's dictionary (tests and start-up checks use it)."""
    return _tokenizer is not None


def warm_up():
    """Load the dictionary now: call it in a server's master process before forking workers."""
    _get_tokenizer()


def _read_lines(path):
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def user_terms():
    """The words of the shipped user dictionary, as written there."""
    return [line.split(" ")[0] for line in _read_lines(USER_DICT)]


@lru_cache(maxsize=1)
def stop_words():
    return frozenset(_read_lines(STOP_WORDS_FILE))


def _cache_dir():
    # The default cache is /tmp/jieba.cache, shared by every user of the machine and loaded with
    # marshal: keep ours beside the app's other writable data instead.
    try:
        base = Path(settings.DATA_DIR)
    except (ImproperlyConfigured, AttributeError):
        # Warmed up before Django's settings (e.g. gunicorn's on_starting): the project's var/.
        base = Path(__file__).resolve().parents[2] / "var"
    path = base / "cache"
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        # Read-only deployment: a private directory for this process; loading is then only slower.
        return Path(tempfile.mkdtemp(prefix="tracker-jieba-"))
    return path


def _get_tokenizer():
    global _tokenizer, _SPECIAL_TERMS_RE
    if _tokenizer is not None:
        return _tokenizer
    with _lock:
        if _tokenizer is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # its own handler would print the load to stderr
            tokenizer = jieba.Tokenizer()
            tokenizer.tmp_dir = str(_cache_dir())
            tokenizer.initialize()
            special = []
            for term in user_terms():
                if _NON_WORD.search(term):
                    special.append(term)
                tokenizer.add_word(term)
            _SPECIAL_TERMS_RE = (
                re.compile("(" + "|".join(re.escape(t) for t in sorted(special, key=len, reverse=True)) + ")")
                if special
                else None
            )
            _tokenizer = tokenizer
    return _tokenizer


def _get_tagger():
    global _tagger
    tokenizer = _get_tokenizer()
    if _tagger is None:
        with _lock:
            if _tagger is None:
                from jieba import posseg

                _tagger = posseg.POSTokenizer(tokenizer)
    return _tagger


def tag(text):
    """The words of ``text`` with their part-of-speech flags: [(word, flag)], punctuation included.

    Unlike ``tokenize`` the words are as written (not normalised), and HMM guessing is on: a
    person's name is rarely in the dictionary, and guessing it (陈元春 → ``nr``) is the point here,
    while query and document need not agree on it. The domain terms of the user dictionary stay
    whole (flag ``x``, jieba's flag for a word it has no tag for).
    """
    if not text:
        return []
    tagger = _get_tagger()
    pieces = _SPECIAL_TERMS_RE.split(text) if _SPECIAL_TERMS_RE else [text]
    tagged = []
    for i, piece in enumerate(pieces):
        if i % 2:
            tagged.append((piece, "x"))
        elif piece:
            tagged.extend((pair.word, pair.flag) for pair in tagger.cut(piece, HMM=True))
    return tagged


def normalize(token):
    """The form a token takes in the index and in queries: lower case, letters and digits only."""
    return _NON_WORD.sub("", token).lower()


def _raw_cut(text):
    tokenizer = _get_tokenizer()
    pieces = _SPECIAL_TERMS_RE.split(text) if _SPECIAL_TERMS_RE else [text]
    for i, piece in enumerate(pieces):
        if i % 2:
            yield piece
        elif piece:
            yield from tokenizer.cut(piece, HMM=False)


def tokenize(text):
    """Meaningful words of ``text`` in order, normalised, without stop words or punctuation."""
    if not text:
        return []
    stops = stop_words()
    tokens = []
    for raw in _raw_cut(text):
        token = normalize(raw)
        if token and token not in stops:
            tokens.append(token)
    return tokens


def index_tokens(text):
    """``tokenize(text)``, each token followed by the words inside it, down to single characters.

    The single characters let a query that jieba can only cut into characters (an unlisted place
    name such as 川南渝西 → 川南/渝/西) still find the text, as a substring search would.
    """
    return expand(tokenize(text), min_length=1)


def expand(tokens, min_length=2):
    """Each token followed by the dictionary words inside it of ``min_length`` characters or more.

    Single characters count only when Chinese and not stop words.
    """
    freq = _get_tokenizer().FREQ
    stops = stop_words()
    out = []
    for token in tokens:
        out.append(token)
        n = len(token)
        for size in range(n - 1, 1, -1):
            if size < min_length:
                break
            for start in range(0, n - size + 1):
                part = token[start : start + size]
                if freq.get(part) and part not in stops:
                    out.append(part)
        if min_length <= 1 and n > 1:
            out.extend(ch for ch in token if _CJK.match(ch) and ch not in stops)
    return out
