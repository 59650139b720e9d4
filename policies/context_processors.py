"""Template context shared by every page."""

from .choices import Light, OrganizationKind, ReviewState, Status, TaskOrigin


def vocabulary(request):
    """The choices, so that a template compares with ``TaskOrigin.QUOTED_DEMAND``, never with a spelled value."""
    return {
        "Light": Light,
        "OrganizationKind": OrganizationKind,
        "ReviewState": ReviewState,
        "Status": Status,
        "TaskOrigin": TaskOrigin,
    }
