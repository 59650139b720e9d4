"""What the importer reads from a report, before anything is written to the database."""

import json
import re
from dataclasses import asdict, dataclass, field

from .clauses import commitment_spans
from .decoding import decode
from .headings import find_tasks
from .officials import find_statements
from .text import flat_text, paragraphs


@dataclass
class CommitmentDraft:
    quote: str
    span: tuple
    tasks: list = field(default_factory=list)  # key-task codes; filled by the suggestion module


@dataclass
class StatementDraft:
    official: dict  # {"name", "title"}
    organization: dict  # {"name", "kind"}
    text: str
    span: tuple
    commitments: list


@dataclass
class TaskDraft:
    code: str
    title: str
    description: str
    span: tuple
    children: list = field(default_factory=list)


@dataclass
class Report:
    text: str  # the decoded text, as received: the source's text
    encoding: str
    conference: dict
    statements: list
    tasks: list

    @property
    def flat_text(self):
        return flat_text(self.text)

    def as_dict(self):
        return {
            "conference": self.conference,
            "statements": [asdict(s) for s in self.statements],
            "tasks": [asdict(t) for t in self.tasks],
        }

    def to_json(self, **kwargs):
        kwargs.setdefault("ensure_ascii", False)
        return json.dumps(self.as_dict(), **kwargs)


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
