"""What the importer reads from a report, before anything is written to the database."""

import re

from .clauses import commitment_spans
from .decoding import decode
from .drafts import CommitmentDraft, Report, StatementDraft
from .headings import find_tasks
from .officials import find_statements
from .text import flat_text, paragraphs


_CONFERENCE = re.compile(r"(?:中央|全国|全省|全市|全区|全县)经济工作会议")
_CONFERENCE_NAMED = re.compile(r"[\u4e00-\u9fff]{2,6}?[省市区县]经济工作会议")
_HELD = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日[，,]?([\u4e00-\u9fff]{2,4}?)(?:省|市)?召开")


def _conference(flat, name, held_on):
    found = _CONFERENCE.search(flat) or _CONFERENCE_NAMED.search(flat)
    held = _HELD.search(flat)
    city = held.group(4) if held else None
    if held_on is None and held and held.group(1):
        held_on = f"{held.group(1)}-{int(held.group(2)):02d}-{int(held.group(3)):02d}"
    return {
        "name": name or (found.group() if found else None),
        "held_on": held_on,
        "city": city,
    }


def read_report(data, *, conference_name=None, conference_date=None):
    """Read a report (bytes or text) into a ``Report``; raises ``ImportInputError`` for unreadable input.

    ``conference_date`` is an ISO date string; when it is not given, a date is taken from the text
    only if the text prints the year (a page's "12月29日" alone does not say which year).
    """
    text, encoding = decode(data)
    flat = flat_text(text)
    statements = []
    for found in find_statements(flat, paragraphs(text)):
        official = found.official
        statements.append(
            StatementDraft(
                official={"name": official.name, "title": official.title},
                organization={"name": official.organization, "kind": official.kind},
                text=flat[found.start : found.end],
                span=(found.start, found.end),
                commitments=[
                    CommitmentDraft(quote=flat[start:end], span=(start, end))
                    for start, end in commitment_spans(flat, found.start, found.end)
                ],
            )
        )
    return Report(
        text=text,
        encoding=encoding,
        conference=_conference(flat, conference_name, conference_date),
        statements=statements,
        tasks=find_tasks(text, flat),
    )
