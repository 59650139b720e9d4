"""The staff admin (Chinese), split by what each part manages.

Row-level access (a reporter sees one organization) comes from ``policies.roles``; writes go
through ``policies.services`` so the review workflow has one implementation.
"""

from . import commitments, imports, reference, updates  # noqa: F401  (registers the ModelAdmins)
