"""More data for the pinned query counts: a page must cost the same at any size."""

import datetime

from policies.cache import bump_data_version
from policies.choices import OrganizationKind
from policies.models import KeyTask, Source
from policies.services import refresh_progress

from .factories import make_commitment, make_official, make_organization, make_statement, make_update


def grow(*, organizations=6, per_organization=5, source=None):
    """Add organizations of every kind, each with commitments linked to existing tasks and approved updates,
    quoted in ``source`` (by default the first source there is, so the data grows within its conference)."""
    source = source or Source.objects.order_by("pk").first()
    kinds = list(OrganizationKind.values)
    tasks = list(KeyTask.objects.order_by("pk"))
    made = []
    for i in range(organizations):
        organization = make_organization(kind=kinds[i % len(kinds)])
        statement = make_statement(official=make_official(organization=organization), source=source)
        for j in range(per_organization):
            linked = [tasks[(i * per_organization + j) % len(tasks)]] if tasks else []
            commitment = make_commitment(statement=statement, number=j + 1, tasks=linked)
            make_update(commitment=commitment, percent=10 * j % 100, review_state="approved",
                        reported_on=datetime.date(2021, 1 + j % 10, 1), evidence_url="https://example.org/e")
            make_update(commitment=commitment, percent=90, reported_on=datetime.date(2021, 11, 1))
            made.append(commitment)
    refresh_progress()
    # What the write paths do once their transaction commits, which a TestCase's never does: pages and
    # their parts (the list's menus) cached before the growth are not served after it.
    bump_data_version()
    return made
