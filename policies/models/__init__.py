"""The tracker's data: a conference, the source that reports it, its key tasks,
the officials who answered it, their commitments and the progress recorded on them.

Quotes and passages are located by character spans in the source's *flat text*:
the verbatim page with the layout's line breaks removed (see ``Source.flat_text``).

The models live in one module per family; import them from here (``from policies.models import X``).
The choices live in ``policies.choices`` (with their labels, colours and orders); they are also
importable from here, under the same names, for code that needs a model and its choices together.
"""

from ..choices import DraftState, EvidenceKind, Light, LinkOrigin, OrganizationKind, ReminderKind, ReviewState, Status, TaskOrigin
from .commitments import Commitment, Statement, TaskLink
from .conference import Conference, KeyTask, Source
from .evidence import EvidenceFile
from .imports import DraftCommitment, DraftStatement, DraftTask, ImportedReport
from .milestones import Milestone
from .organizations import Official, Organization, Reporter
from .progress import ProgressUpdate
from .reminders import Reminder
from .search import Keyword, SearchDocument, SearchIndexEntry, SearchWord, SuggestionDocument, SuggestionState, SuggestionWord
from .summaries import CommitmentMonth, OrganizationRollup, TaskMonth, TaskRollup

__all__ = [
    "Commitment",
    "CommitmentMonth",
    "Conference",
    "DraftCommitment",
    "DraftState",
    "DraftStatement",
    "DraftTask",
    "EvidenceFile",
    "EvidenceKind",
    "ImportedReport",
    "KeyTask",
    "Keyword",
    "Light",
    "LinkOrigin",
    "Milestone",
    "Official",
    "OrganizationRollup",
    "Organization",
    "OrganizationKind",
    "ProgressUpdate",
    "Reminder",
    "ReminderKind",
    "Reporter",
    "ReviewState",
    "SearchDocument",
    "SearchIndexEntry",
    "SearchWord",
    "SuggestionDocument",
    "SuggestionState",
    "SuggestionWord",
    "Source",
    "Statement",
    "Status",
    "TaskLink",
    "TaskMonth",
    "TaskOrigin",
    "TaskRollup",
]
