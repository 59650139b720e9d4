"""Reads that are not chainable QuerySet methods: a page's whole context, choice lists, text layout.

They may use several models at once, which is why they are here and not in ``querysets``.
"""

from django.db.models import Prefetch

from .choices import LIGHT_ORDER, ORGANIZATION_GROUPS, STATUS_ORDER, Light, Status
from .models import Commitment, KeyTask, Organization, ProgressUpdate


def task_choices():
    """[(code, label)] of every key task in printed order, each sub-item indented under its parent.

    The one list behind the public list's task menu and the admin's task filter; codes, not ids,
    so that a URL says which task it means.
    """
    tasks = KeyTask.objects.only("code", "title", "parent_id").order_by("order", "pk")
    children = {}
    for task in tasks:
        children.setdefault(task.parent_id, []).append(task)
    choices = []
    for task in children.get(None, []):
        choices.append((task.code, f"{task.code} {task.title}"))
        choices += [(child.code, f"　└ {child.code} {child.title}") for child in children.get(task.pk, [])]
    return choices


def breakdown(stats, prefix, order, labels):
    """[(key, label, count)] for a stacked bar, in display order."""
    return [(key, labels[key], stats[f"{prefix}{key}"]) for key in order]


def dashboard_stats(*, today=None, latest=8, red=12):
    """Everything the dashboard shows, in a fixed number of queries whatever the data size.

    1 totals, 2 key tasks with roll-ups, 3 their sub-items, 4 organizations with roll-ups,
    5 latest approved updates, 6 the first red-light commitments.
    """
    totals = Commitment.objects.all().stats(today)
    tasks = list(
        KeyTask.objects.top_level()
        .with_rollup()
        .prefetch_related(Prefetch("children", queryset=KeyTask.objects.order_by("order", "pk")))
        .order_by("order", "pk")
    )
    organizations = list(Organization.objects.with_rollup().order_by("kind", "name"))
    groups = []
    for title, kinds in ORGANIZATION_GROUPS:
        members = sorted((o for o in organizations if o.kind in kinds), key=lambda o: (-o.avg_percent, o.name))
        if members:
            groups.append((title, members))
    updates = list(ProgressUpdate.objects.for_timeline()[:latest])
    red_rows = list(
        Commitment.objects.for_listing()
        .with_light(today)
        .filter(light=Light.RED)
        .order_by("due_date", "percent", "pk")[:red]
    )
    return {
        "totals": totals,
        "status_breakdown": breakdown(totals, "status_", STATUS_ORDER, dict(Status.choices)),
        "light_breakdown": breakdown(totals, "light_", LIGHT_ORDER, dict(Light.choices)),
        "tasks": tasks,
        "organization_groups": groups,
        "latest_updates": updates,
        "red_commitments": red_rows,
    }


def _continues(previous, following):
    """Whether a blank line between two blocks is a column break inside a sentence, not a paragraph end.

    The page is set in narrow columns, and the transcription keeps a blank line at each column break.
    Joined: a block ending mid-sentence followed by a block of body text. Kept apart: headings and
    bylines (short blocks) and the infographic's items, which start with a title and a space.
    """
    if not previous or not following or previous[-1] in "。！？：；”":
        return False
    if previous[-1] in "，、":
        return True
    return len(previous) >= 20 and len(following) >= 20 and " " not in following[:16]


def source_paragraphs(text, marks):
    """The source's paragraphs, each a list of (text, commitment_or_None, is_first_piece) pieces.

    ``marks`` are objects with ``span_start``/``span_end`` in flat-text offsets (the text
    without "\\n"). Blocks are separated by blank lines in the raw text; a layout line break
    inside a block is dropped, as in the flat text, so offsets line up. A quote that runs over
    a paragraph break is cut into pieces; only the first piece carries the anchor.
    """
    blocks, offset = [], 0
    for raw in text.replace("\r", "").split("\n\n"):
        flat = raw.replace("\n", "")
        if flat.strip():
            if blocks and blocks[-1][0] + len(blocks[-1][1]) == offset and _continues(blocks[-1][1], flat):
                blocks[-1] = (blocks[-1][0], blocks[-1][1] + flat)
            else:
                blocks.append((offset, flat))
        offset += len(flat)

    marks = sorted(marks, key=lambda m: (m.span_start, m.span_end))
    paragraphs, started = [], set()
    for start, flat in blocks:
        end = start + len(flat)
        pieces, cursor = [], start
        for mark in marks:
            if mark.span_end <= start or mark.span_start >= end:
                continue
            lo, hi = max(mark.span_start, cursor), min(mark.span_end, end)
            if lo >= hi:  # overlaps one already marked; the earlier mark keeps the text
                continue
            if lo > cursor:
                pieces.append((flat[cursor - start : lo - start], None, False))
            pieces.append((flat[lo - start : hi - start], mark, mark.pk not in started))
            started.add(mark.pk)
            cursor = hi
        if cursor < end:
            pieces.append((flat[cursor - start :], None, False))
        paragraphs.append(pieces)
    return paragraphs
