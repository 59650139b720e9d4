"""Person names by jieba's part-of-speech tags (through ``policies.search.tag``, the one place that
imports jieba)."""

import re

from policies import search

_HAN = re.compile(r"^[\u4e00-\u9fff]+$")


def _tag(text):
    return search.tag(text)


def leading_person_name(text):
    """The person name that ``text`` starts with, or "" (``陈军倍感振奋`` → ``陈军``).

    jieba often tags a surname alone as ``nr`` and the given name as something else
    (``董/nr 建国/ns``); a one-character ``nr`` token takes the next one or two characters with it.
    """
    tokens = _tag(text[:12])
    if not tokens:
        return ""
    word, flag = tokens[0]
    if not flag.startswith("nr") or not _HAN.match(word):
        return ""
    if len(word) >= 2:
        return word if len(word) <= 4 else ""
    if len(tokens) > 1 and _HAN.match(tokens[1][0]) and len(tokens[1][0]) <= 2:
        return word + tokens[1][0]
    return ""


def trailing_person_name(text):
    """The person name that ``text`` ends with, or "" (``记者采访了张三`` → ``张三``)."""
    tokens = _tag(text[-12:])
    if not tokens:
        return ""
    word, flag = tokens[-1]
    if flag.startswith("nr") and _HAN.match(word) and 2 <= len(word) <= 4:
        return word
    if len(tokens) > 1 and len(word) <= 2 and _HAN.match(word):
        surname, surname_flag = tokens[-2]
        if surname_flag.startswith("nr") and len(surname) == 1:
            return surname + word
    return ""


def leading_noun_offset(text):
    """How many characters of lead-in words (这让, 据, 对此) come before the first noun of ``text``."""
    offset = 0
    for word, flag in _tag(text):
        if flag[:1] in ("n", "j", "b", "s", "f") or flag in ("zg", "x") and word in ("市", "省", "县", "区"):
            return offset
        if flag[:1] in ("r", "v", "p", "c", "d", "u", "t", "m", "q") or word in ("，", "、"):
            offset += len(word)
            continue
        return offset
    return 0
