"""What the admin's forms post, for tests that save through them."""


def commitment_change_data(commitment, **fields):
    """The admin's change page of ``commitment`` as a browser posts it unchanged (its links as they are, no
    new inline row), then ``fields`` over it."""
    links = list(commitment.links.order_by("pk"))
    data = {
        "summary": commitment.summary, "due_date": commitment.due_date.isoformat(), "due_basis": commitment.due_basis,
        "links-TOTAL_FORMS": len(links), "links-INITIAL_FORMS": len(links),
        "links-2-TOTAL_FORMS": 0, "links-2-INITIAL_FORMS": 0,
        "updates-TOTAL_FORMS": 0, "updates-INITIAL_FORMS": 0,
        "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0,
        "reminders-TOTAL_FORMS": 0, "reminders-INITIAL_FORMS": 0, "_save": "保存",
    }
    for i, link in enumerate(links):
        data |= {f"links-{i}-id": link.pk, f"links-{i}-commitment": commitment.pk}
    return data | fields
