"""What the importer reads from a report: plain data, before anything is written to the database."""

import json
from dataclasses import asdict, dataclass, field

from .text import flat_text


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
