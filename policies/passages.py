"""Finding a pasted passage in a source's flat text, so that nobody counts characters by hand.

Staff copy a quote from the page (the newspaper, a PDF, the public source page): the copy may
carry the layout's line breaks, spaces at line ends, or lose a space the page has. The flat text
removes line breaks and nothing else (``Source.flat_text``), so the paste is matched with any run
of whitespace allowed between its characters, and what is stored is the exact flat-text slice.
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext

CONTEXT = 12  # characters of context shown on each side of an occurrence

# Whitespace a copy may add or drop (str patterns' \s is Unicode: it covers the ideographic
# space U+3000 and the no-break space too).
_SPACE = r"\s*"


# The numbering a report may print before a heading: "一、", "（三）", "2." …
_LIST_MARKER = re.compile(r"(?:[（(][一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十百\d]+[、.．])\s*")


def begins_with_title(passage, title):
    """Whether a key task's passage starts with its title, after the heading's number if it has one."""
    if passage.startswith(title):
        return True
    marker = _LIST_MARKER.match(passage)
    return bool(marker) and passage[marker.end() :].startswith(title)


class PassageNotFound(ValueError):
    """The pasted text is empty or does not occur in the text searched; the message says which."""


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    text: str  # the exact flat-text slice, which is what gets stored
    before: str
    after: str

    @property
    def label(self):
        """The occurrence with a little context, for a person choosing between several."""
        return gettext("第 %(start)s–%(end)s 字：……%(before)s【%(text)s】%(after)s……") % {
            "start": self.start, "end": self.end, "before": self.before, "text": self.text, "after": self.after,
        }


def find_passage(flat_text, pasted, *, start=0, end=None):
    """Every occurrence of ``pasted`` in ``flat_text[start:end]``, in order, as flat-text offsets.

    Whitespace in the paste is optional and whitespace between its characters in the text is
    skipped, so a quote copied with line breaks is found. Raises PassageNotFound when the paste
    has no text or occurs nowhere; several occurrences are returned for the caller to choose.
    """
    end = len(flat_text) if end is None else end
    chars = [c for c in (pasted or "") if not c.isspace()]
    if not chars:
        raise PassageNotFound(gettext("请粘贴或输入原文中的文字。"))
    pattern = re.compile(_SPACE.join(re.escape(c) for c in chars))
    found = [
        Occurrence(
            start=m.start(),
            end=m.end(),
            text=m.group(),
            before=flat_text[max(start, m.start() - CONTEXT) : m.start()],
            after=flat_text[m.end() : min(end, m.end() + CONTEXT)],
        )
        for m in pattern.finditer(flat_text, start, end)
    ]
    if not found:
        shown = "".join(chars)
        shown = shown if len(shown) <= 30 else f"{shown[:30]}……"
        raise PassageNotFound(gettext("在原文中找不到“%(text)s”。请从原文复制，不要改动文字或标点。") % {"text": shown})
    return found


def mismatch_message(expected, flat_text, span_start, span_end, *, what):
    """The message for a row whose text is not the slice at its span, or None when it is."""
    if span_start is None or span_end is None:
        return None
    actual = flat_text[span_start:span_end]
    if span_end > len(flat_text):
        return gettext("位置第 %(start)s–%(end)s 字超出了来源原文的长度（共 %(length)s 字）。") % {
            "start": span_start, "end": span_end, "length": len(flat_text),
        }
    if actual == expected:
        return None
    return gettext("%(what)s与来源原文第 %(start)s–%(end)s 字不一致：该位置的原文是“%(actual)s”。请粘贴原文，由系统查找位置。") % {
        "what": what, "start": span_start, "end": span_end, "actual": actual,
    }
