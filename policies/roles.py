"""Who may see and do what: the two staff roles and the row-level scope of a user.

督查员 (reviewer) is a group: sees and edits everything, approves or rejects progress
updates, manages key tasks and links. 填报员 (reporter) is a group plus a ``Reporter`` row
tying the user to one organization: sees that organization's commitments, adds progress
updates to them, edits its own updates until they are approved, never deletes.

Model permissions come from the groups; the organization scope is applied on top of them by
``visible_commitments``/``visible_updates`` and the object checks below, used by the admin and
the ledger alike. A staff user who is neither reviewer nor reporter sees no commitments at all:
staying invisible is the safe default for an account someone forgot to finish setting up.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from .choices import ReviewState
from .models import Commitment, ProgressUpdate

REVIEWER_GROUP = "督查员"
REPORTER_GROUP = "填报员"

_ALL = ("view", "add", "change", "delete")
ROLE_PERMISSIONS = {
    REVIEWER_GROUP: {
        "commitment": _ALL,
        "milestone": _ALL,
        "progressupdate": (*_ALL, "review"),
        # Files come only through the update form (services.attach_evidence).
        "evidencefile": ("view",),
        "keytask": _ALL,
        "tasklink": _ALL,
        "organization": _ALL,
        "official": _ALL,
        "statement": _ALL,
        "source": _ALL,
        "conference": _ALL,
        # Reports brought in by the importer, kept as drafts until a reviewer accepts them.
        "importedreport": _ALL,
        # Who reports for which organization is decided with the accounts, by a superuser.
        "reporter": ("view",),
        "reminder": ("view",),
        # Login lockouts (django-axes): deleting an account's attempts unlocks it.
        "axes.accessattempt": ("view", "delete"),
    },
    REPORTER_GROUP: {
        "commitment": ("view",),
        "milestone": ("view",),
        "progressupdate": ("view", "add", "change"),
        "evidencefile": ("view",),
        "tasklink": ("view",),
        "keytask": ("view",),
        "organization": ("view",),
        "official": ("view",),
        "statement": ("view",),
        "source": ("view",),
        "reminder": ("view",),
    },
}


@transaction.atomic
def ensure_roles():
    """Create both groups and set their permissions to exactly ROLE_PERMISSIONS; safe to repeat."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; make sure they exist even on a fresh flush.
    create_permissions(apps.get_app_config("policies"), verbosity=0)
    create_permissions(apps.get_app_config("axes"), verbosity=0)
    groups = {}
    for name, by_model in ROLE_PERMISSIONS.items():
        # A model is named "model" (this app) or "app_label.model".
        wanted = {
            (app_label or "policies", f"{action}_{model}")
            for key, actions in by_model.items()
            for app_label, _, model in [key.rpartition(".")]
            for action in actions
        }
        candidates = Permission.objects.filter(codename__in={codename for _, codename in wanted})
        permissions = [p for p in candidates.select_related("content_type") if (p.content_type.app_label, p.codename) in wanted]
        missing = {codename for _, codename in wanted} - {p.codename for p in permissions}
        if missing:
            raise LookupError(f"未找到权限：{', '.join(sorted(missing))}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)
        groups[name] = group
    return groups


def is_reviewer(user):
    return user.is_active and (user.is_superuser or user.has_perm("policies.review_progressupdate"))


def can_manage_links(user):
    """Reviewers and superusers link commitments to key tasks; reporters only see the links."""
    return user.is_active and user.has_perm("policies.add_tasklink")


def reporter_organization_id(user):
    """The organization a reporter reports for, or None (not a reporter, or a reviewer)."""
    if not user.is_authenticated or is_reviewer(user):
        return None
    reporter = getattr(user, "reporter", None)  # one query per request: Django caches the reverse one-to-one
    return reporter.organization_id if reporter else None


def visible_commitments(user, queryset=None):
    queryset = Commitment.objects.all() if queryset is None else queryset
    if is_reviewer(user):
        return queryset
    organization_id = reporter_organization_id(user)
    return queryset.filter(organization_id=organization_id) if organization_id else queryset.none()


def visible_updates(user, queryset=None):
    queryset = ProgressUpdate.objects.all() if queryset is None else queryset
    if is_reviewer(user):
        return queryset
    organization_id = reporter_organization_id(user)
    return queryset.filter(commitment__organization_id=organization_id) if organization_id else queryset.none()


def can_see_commitment(user, commitment):
    return is_reviewer(user) or (
        commitment.organization_id is not None and commitment.organization_id == reporter_organization_id(user)
    )


def can_see_update(user, update):
    if is_reviewer(user):
        return True
    organization_id = reporter_organization_id(user)
    return organization_id is not None and update.commitment.organization_id == organization_id


def can_edit_update(user, update):
    """Reviewers edit any update; a reporter only their own, and only until it is approved."""
    if is_reviewer(user):
        return True
    return update.author_id == user.pk and update.review_state != ReviewState.APPROVED and can_see_update(user, update)
