"""The flat text that every span indexes, and the report's paragraphs located in it.

Spans index ``Source.flat_text`` (the page with its layout line breaks removed, nothing else
changed); ``flat_text`` below is that same definition, taken from the model so there is only one.
Paragraphs are found in the raw text, where the line breaks still show the layout, and reported as
``(start, end)`` offsets into the flat text.
"""

import re
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

_FINAL = re.compile(r"[。！？!?…][”’」』）)]*\s*$")
_SENTENCE_PUNCT = re.compile(r"[，。；：！？,;:]")


def flat_text(text):
    from policies.models import Source  # the model module needs Django set up

    return Source(text=text).flat_text


@dataclass(frozen=True)
class Line:
    text: str  # without its line break
    start: int  # offset of its first character in the flat text

    @property
    def end(self):
        return self.start + len(self.text)


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    lines: tuple

    def text(self, flat):
        return flat[self.start : self.end]


def lines(text):
    """The lines of ``text`` with their offsets in the flat text; blank lines are kept (as "")."""
    result, offset = [], 0
    for raw in text.replace("\r", "").split("\n"):
        result.append(Line(raw, offset))
        offset += len(raw)
    return result


def blocks(text):
    """Runs of non-blank lines, as the layout separates them with blank lines."""
    result, current = [], []
    for line in lines(text):
        if line.text.strip():
            current.append(line)
        elif current:
            result.append(current)
            current = []
    if current:
        result.append(current)
    return result


def is_heading_line(line_text):
    stripped = line_text.strip()
    return 0 < len(stripped) <= 30 and not _SENTENCE_PUNCT.search(stripped)


def _ends_sentence(line_text):
    return bool(_FINAL.search(line_text))


def _split_block(block):
    """Split a block where a paragraph ends inside it (web copy: one paragraph a line, no blank lines)."""
    if len(block) == 1:
        return [block]
    widths = [len(line.text.strip()) for line in block]
    typical = median(widths)
    one_per_line = sum(_ends_sentence(line.text) for line in block) >= 0.6 * len(block)
    parts, current = [], [block[0]]
    for previous, line in pairwise(block):
        indented = line.text[:1] in (" ", "\u3000", "\t")
        short = len(previous.text.strip()) < 0.75 * typical
        if _ends_sentence(previous.text) and (one_per_line or indented or short):
            parts.append(current)
            current = []
        current.append(line)
    parts.append(current)
    return parts


def _trimmed(lines_, flat):
    start, end = lines_[0].start, lines_[-1].end
    while start < end and flat[start].isspace():
        start += 1
    while end > start and flat[end - 1].isspace():
        end -= 1
    return Paragraph(start, end, tuple(lines_))


def paragraphs(text):
    """The paragraphs of a report, with blank lines that the layout put inside a sentence removed.

    Newspaper pages copied from PDF break columns with blank lines in mid-sentence (often before a
    line that opens with a quotation mark). A blank line ends a paragraph only when the text before
    it ends a sentence or either side is a heading line.
    """
    flat = flat_text(text)
    pieces = [part for block in blocks(text) for part in _split_block(block)]
    merged = []
    for piece in pieces:
        if merged:
            previous = merged[-1]
            lone_heading = len(piece) == 1 and is_heading_line(piece[0].text)
            previous_heading = len(previous) == 1 and is_heading_line(previous[0].text)
            if not (_ends_sentence(previous[-1].text) or lone_heading or previous_heading):
                previous.extend(piece)
                continue
        merged.append(list(piece))
    return [_trimmed(piece, flat) for piece in merged]
