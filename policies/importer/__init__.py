"""Reading a conference report: officials, their statements and commitments, and key-task headings.

Nothing here writes to the database: ``read_report(data)`` returns a ``Report`` of drafts with spans
into the source's flat text, which a service turns into rows.
"""

from .decoding import MAX_BYTES, ImportInputError
from .drafts import CommitmentDraft, Report, StatementDraft, TaskDraft
from .report import read_report

__all__ = [
    "MAX_BYTES",
    "CommitmentDraft",
    "ImportInputError",
    "Report",
    "StatementDraft",
    "TaskDraft",
    "read_report",
]
