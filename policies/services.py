"""Writes that touch several rows together.

Each one also says which derived data it changes (``policies.invalidation``): the search index,
the suggestions' word counts, the cached public pages are brought in step after it commits, here and not
in model signals.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history

from . import evidence, invalidation, search, summaries
from .models import Commitment, EvidenceFile, KeyTask, LinkOrigin, ProgressUpdate, ReviewState, Status, TaskLink
from .roles import can_edit_update, can_see_commitment, is_reviewer, visible_commitments


@transaction.atomic
def refresh_progress(*, commitments=None):
    """Set each commitment's status, percent and last update date from its latest approved update.

    Latest means the most recent ``reported_on``, ties broken by the later entry. A commitment
    with no approved update is "not reported" (尚无报告) at 0 %: the tracker knows nothing of it yet,
    which is not the same as a reporter saying it has not started. One UPDATE, whatever the number
    of rows; the public pages show progress, so they go stale when it commits, and the summary rows
    of the key tasks they are under (``policies.summaries``) take the differences at once.
    """
    latest = ProgressUpdate.objects.approved().filter(commitment=OuterRef("pk")).latest_first()
    if commitments is None:
        queryset = Commitment.objects.all()
        invalidation.pages_changed(using=queryset.db)
        before = None
    else:
        queryset = commitments
        invalidation.progress_changed(queryset, using=queryset.db)
        before = summaries.progress_before(queryset)
    changed = queryset.update(
        status=Coalesce(Subquery(latest.values("status")[:1]), Value(Status.NOT_REPORTED)),
        percent=Coalesce(Subquery(latest.values("percent")[:1]), Value(0)),
        last_update_on=Subquery(latest.values("reported_on")[:1]),
    )
    # The key tasks' roll-ups and charts follow in the same transaction (all of them, without ``commitments``).
    summaries.progress_changed(before, using=queryset.db)
    return changed


# The review workflow. A reporter's update is submitted; a reviewer approves or rejects it.
# Every function that can change which update is a commitment's latest approved one first
# locks the commitment rows (select_for_update, in primary-key order so overlapping batches
# cannot deadlock) and recomputes them with refresh_progress in the same transaction: a second
# reviewer then waits, and reads the first one's approval once it is committed, instead of
# overwriting the commitment from a snapshot that never saw it.

EDITABLE_FIELDS = ("reported_on", "status", "percent", "note", "evidence_url", "milestone")


def _lock_commitments(ids):
    list(Commitment.objects.filter(pk__in=set(ids)).order_by("pk").select_for_update().values_list("pk", flat=True))


def _refresh(ids, *, user=None, action="", always=False):
    """Recompute the commitments ``ids`` and record on each one's history what the change was.

    refresh_progress writes with .update(), which simple-history cannot see, so the row is added
    here: with the user, the action in words, and the old and new status and percent. Without
    ``always`` only commitments whose status or percent changed get a row; a review always does, so
    that a rejection shows on the commitment too.
    """
    ids = set(ids)
    before = {pk: (status, percent) for pk, status, percent in
              Commitment.objects.filter(pk__in=ids).values_list("pk", "status", "percent")}
    refresh_progress(commitments=Commitment.objects.filter(pk__in=ids))
    if not action:
        return
    rows = []
    for commitment in Commitment.objects.filter(pk__in=ids).order_by("pk"):
        old = before.get(commitment.pk)
        if old is None or (not always and old == (commitment.status, commitment.percent)):
            continue
        commitment._change_reason = f"{action}：{_progress_words(*old)} → {_progress_words(commitment.status, commitment.percent)}"
        rows.append(commitment)
    Commitment.history.bulk_history_create(rows, update=True, default_user=user, default_date=timezone.now())


def _progress_words(status, percent):
    return f"{Status(status).label} {percent}%"


def _differs_from_its_history(row):
    """Whether ``row`` differs from its latest history record (a reload that changed nothing adds none)."""
    latest = type(row).history.filter(id=row.pk).order_by("-history_date", "-history_id").first()
    if latest is None:
        return True
    names = {field.attname for field in latest._meta.concrete_fields}
    return any(getattr(row, f.attname) != getattr(latest, f.attname)
               for f in row._meta.concrete_fields if f.attname in names)


# The change reason of history rows written for rows a fixture loaded (load_conference tells them
# from staff's changes by it).
LOADED_FROM_FIXTURE = "载入会议数据"


@transaction.atomic
def record_loaded_history(*, updated=None):
    """History rows for rows written by a fixture load, which simple-history skips (raw saves): a
    first row for every tracked row that has none, and a new one for each row in ``updated``
    ({model: ids}); safe to repeat."""
    for model, ids in (updated or {}).items():
        if hasattr(model, "history"):
            rows = [row for row in model.objects.filter(pk__in=ids) if _differs_from_its_history(row)]
            model.history.bulk_history_create(rows, update=True, default_change_reason=LOADED_FROM_FIXTURE)
    for model in (Commitment, KeyTask, TaskLink, ProgressUpdate):
        missing = model.objects.exclude(pk__in=model.history.values("id"))
        model.history.bulk_history_create(list(missing), default_change_reason=LOADED_FROM_FIXTURE)


def _require_reviewer(user):
    if not is_reviewer(user):
        raise PermissionDenied(gettext("只有督查员可以审核或删除进展填报。"))


@transaction.atomic
def submit_update(*, update, author):
    """Record a new progress update as submitted for review; nothing public changes yet, so no
    derived data does either."""
    if not can_see_commitment(author, update.commitment):
        raise PermissionDenied(gettext("只能为本单位的承诺事项填报进展。"))
    update.author = author
    update.review_state = ReviewState.SUBMITTED
    update.reviewed_by = None
    update.reviewed_at = None
    update.review_reason = ""
    update.full_clean()
    update._history_user = author
    update.save()
    return update


class InvalidUpdates(ValidationError):
    """A batch refused as a whole. ``errors`` maps a position in the batch to {field: [ValidationError]};
    ``commitment`` holds scope errors, ``__all__`` the ones about the update as a whole."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__([error for fields in errors.values() for field_errors in fields.values() for error in field_errors])


# The fields a submitted update gets from its author, not from whoever fills it in; foreign keys are
# checked by check_updates in one query for the whole batch instead of one per row by clean_fields.
_NOT_FILLED_IN = ["commitment", "author", "review_state", "reviewed_by", "reviewed_at", "review_reason"]


_SAME_UPDATE_FIELDS = ("commitment_id", "reported_on", "status", "percent", "note")


def _same_update_key(update):
    return tuple(getattr(update, field) for field in _SAME_UPDATE_FIELDS)


def check_updates(*, updates, author):
    """What is wrong with each of ``updates`` if ``author`` submitted them: {position: {field: [ValidationError]}}.

    The model's own rules run in Python, once per update (no query per row); scope and duplicates
    take one query each, whatever the size of the batch. Nothing is written.
    """
    errors = {}

    def add(position, field, error):
        if not isinstance(error, ValidationError):
            error = ValidationError(error)
        errors.setdefault(position, {}).setdefault(field, []).append(error)

    for position, update in enumerate(updates):
        for check, kwargs in ((update.clean_fields, {"exclude": _NOT_FILLED_IN}), (update.clean, {})):
            try:
                check(**kwargs)
            except ValidationError as error:
                for field, field_errors in error.update_error_dict({}).items():
                    for field_error in field_errors:
                        add(position, field, field_error)
        # A database constraint that clean_fields knows nothing of; refused here with a message
        # rather than by the database with an IntegrityError.
        if update.percent is not None and update.percent > 100:
            add(position, "percent", gettext("完成进度 %(percent)s 超出 0 到 100 的范围。") % {"percent": update.percent})

    ids = {update.commitment_id for update in updates if update.commitment_id is not None}
    visible = visible_commitments(author).filter(pk=OuterRef("pk"))
    scope = dict(
        Commitment.objects.filter(pk__in=ids).annotate(visible=Exists(visible)).order_by().values_list("pk", "visible")
    )
    for position, update in enumerate(updates):
        if update.commitment_id is None:
            add(position, "commitment", gettext("缺少承诺编号。"))
        elif update.commitment_id not in scope:
            add(position, "commitment", gettext("没有编号为 %(pk)s 的承诺事项。") % {"pk": update.commitment_id})
        elif not scope[update.commitment_id]:
            add(position, "commitment", gettext("承诺 %(pk)s 不属于你所在的单位，不能填报。") % {"pk": update.commitment_id})

    # Uploading the same ledger twice must not file every update twice.
    candidates = [update for position, update in enumerate(updates) if position not in errors]
    existing = set(
        ProgressUpdate.objects.filter(
            commitment_id__in={u.commitment_id for u in candidates}, reported_on__in={u.reported_on for u in candidates}
        ).exclude(review_state=ReviewState.REJECTED).order_by().values_list(*_SAME_UPDATE_FIELDS)
    ) if candidates else set()
    for position, update in enumerate(updates):
        if position not in errors and _same_update_key(update) in existing:
            add(position, "__all__", gettext("与已有的进展填报完全相同，可能已经导入过；如确需重复，请修改进展说明。"))
    return errors


@transaction.atomic
def submit_updates(*, updates, author):
    """Record ``updates`` as submitted for review by ``author``: all of them, or none and InvalidUpdates.

    A fixed number of queries for any number of updates (PostgreSQL; SQLite splits the INSERTs
    into batches of its 999 parameters). History rows are written with the author, like save() would.
    """
    for update in updates:
        update.author = author
        update.review_state = ReviewState.SUBMITTED
        update.reviewed_by = None
        update.reviewed_at = None
        update.review_reason = ""
    errors = check_updates(updates=updates, author=author)
    if errors:
        raise InvalidUpdates(errors)
    return bulk_create_with_history(updates, ProgressUpdate, default_user=author)


@transaction.atomic
def revise_update(*, update, editor):
    """Save the editable fields of ``update`` onto the stored row.

    A reporter may revise only their own update and only until it is approved; revising a
    rejected update submits it again. A reviewer's revision keeps the review state, and when
    the update is approved the commitment follows it at once.
    """
    _lock_commitments([update.commitment_id])
    current = ProgressUpdate.objects.select_for_update().filter(pk=update.pk).first()
    if current is None:
        raise ValidationError(gettext("该进展填报已被删除，无法修改。"))
    if not can_edit_update(editor, current):
        raise PermissionDenied(gettext("已审核通过的进展只能由督查员修改；填报员只能修改本人的填报。"))
    for field in EDITABLE_FIELDS:
        setattr(current, field, getattr(update, field))
    if not is_reviewer(editor):
        current.review_state = ReviewState.SUBMITTED
        current.reviewed_by = None
        current.reviewed_at = None
        current.review_reason = ""
    current.full_clean()
    current._history_user = editor
    current.save()
    _refresh([current.commitment_id], user=editor, action="修改已审核通过的进展填报")
    return current


def _lock_commitments_of(updates):
    """Lock the commitments of ``updates`` (see _lock_commitments); their ids and the updates' ids."""
    ids = [update.pk for update in updates]
    commitment_ids = set(ProgressUpdate.objects.filter(pk__in=ids).values_list("commitment_id", flat=True))
    _lock_commitments(commitment_ids)
    return ids, commitment_ids


@transaction.atomic
def approve_updates(*, updates, reviewer):
    """Approve the given updates and recompute their commitments' status and percent."""
    return _review(updates, reviewer, ReviewState.APPROVED, reason="", action="审核通过进展填报")


@transaction.atomic
def reject_updates(*, updates, reviewer, reason):
    """Send the given updates back to their authors with ``reason``; a commitment that had one
    of them as its latest approved update falls back to the one before."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"review_reason": gettext("请填写退回理由。")})
    return _review(updates, reviewer, ReviewState.REJECTED, reason=reason, action=f"退回进展填报（理由：{reason}）")


def _review(updates, reviewer, state, *, reason, action):
    """Set the review state of ``updates``, commitments locked first, then derive their progress again."""
    _require_reviewer(reviewer)
    ids, commitment_ids = _lock_commitments_of(updates)
    now = timezone.now()
    reviewed = []
    for current in ProgressUpdate.objects.select_for_update().filter(pk__in=ids).order_by("pk"):
        current.review_state = state
        current.reviewed_by = reviewer
        current.reviewed_at = now
        current.review_reason = reason
        current.full_clean()
        current._history_user = reviewer
        current.save(update_fields=["review_state", "reviewed_by", "reviewed_at", "review_reason"])
        reviewed.append(current)
    _refresh(commitment_ids, user=reviewer, action=action, always=True)
    return reviewed


def approve_update(*, update, reviewer):
    return approve_updates(updates=[update], reviewer=reviewer)[0]


def reject_update(*, update, reviewer, reason):
    return reject_updates(updates=[update], reviewer=reviewer, reason=reason)[0]


@transaction.atomic
def delete_updates(*, updates, reviewer):
    """Delete updates (reviewers only). simple-history keeps each deleted row: see restore_update."""
    _require_reviewer(reviewer)
    ids, commitment_ids = _lock_commitments_of(updates)
    for current in ProgressUpdate.objects.filter(pk__in=ids):
        current._history_user = reviewer
        current.delete()
    _refresh(commitment_ids, user=reviewer, action="删除进展填报")


@transaction.atomic
def restore_update(*, update_id, reviewer):
    """Bring back a deleted update exactly as it was when deleted, from its history."""
    _require_reviewer(reviewer)
    last = ProgressUpdate.history.filter(id=update_id).order_by("-history_date", "-history_id").first()
    if last is None or last.history_type != "-":
        raise ValidationError(gettext("没有找到可恢复的已删除进展填报。"))
    update = last.instance
    _lock_commitments([update.commitment_id])
    update.full_clean(validate_unique=False)
    update._history_user = reviewer
    update.save(force_insert=True)
    _refresh([update.commitment_id], user=reviewer, action="恢复已删除的进展填报")
    return update


@transaction.atomic
def attach_evidence(*, update, files, uploader):
    """Attach uploaded ``files`` to ``update``: all of them, or none and a ValidationError naming each
    file refused (content not its claimed type, too large, too many). Each is stored under a generated
    name; the user's own name is kept for display. A reporter attaches only to their own updates."""
    if not can_edit_update(uploader, update):
        raise PermissionDenied(gettext("只能为本人尚未审核通过的进展填报上传佐证文件。"))
    ProgressUpdate.objects.select_for_update().filter(pk=update.pk).first()  # one upload at a time per update
    kinds = evidence.check_files(files, already=update.evidence_files.count())
    stored = []
    try:
        for upload, kind in zip(files, kinds, strict=True):
            row = EvidenceFile(update=update, original_name=evidence.display_name(upload.name), kind=kind,
                               size=upload.size, uploaded_by=uploader)
            upload.seek(0)
            row.file.save(evidence.stored_name(kind), upload, save=False)
            stored.append(row)
            row.full_clean()
            row.save()
    except Exception:
        # The rows roll back with the transaction; the stored bytes would not.
        for row in stored:
            row.file.delete(save=False)
        raise
    if update.review_state == ReviewState.APPROVED:
        invalidation.pages_changed()
    return stored


@transaction.atomic
def accept_suggestion(*, commitment, task):
    """Link ``commitment`` to ``task`` as a suggestion staff accepted, with the score recomputed here."""
    if TaskLink.objects.filter(commitment=commitment, task=task).exists():
        raise ValidationError({"task": gettext("该承诺事项已关联这项重点任务。")})
    scores = {s.task.pk: s.score for s in search.suggest_tasks(
        f"{commitment.summary}\n{commitment.quote}", limit=KeyTask.objects.count(), exclude_commitment_id=commitment.pk
    )}
    link = TaskLink(commitment=commitment, task=task, origin=LinkOrigin.SUGGESTED, score=scores.get(task.pk, 0.0))
    link.full_clean()
    link.save()
    summaries.tasks_changed([task.pk])
    invalidation.tasks_changed([commitment.pk])
    return link


@transaction.atomic
def close_commitment(*, commitment, reviewer, note, today=None):
    """Close out (销号) a completed commitment: it leaves the active queues and stays public."""
    _require_reviewer(reviewer)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"close_note": gettext("请填写销号说明。")})
    _lock_commitments([commitment.pk])
    current = Commitment.objects.get(pk=commitment.pk)
    if current.closed_on:
        raise ValidationError(gettext("这项承诺已于 %(date)s 销号。") % {"date": f"{current.closed_on:%Y-%m-%d}"})
    if current.status != Status.COMPLETED:
        raise ValidationError(gettext("只有状态为“已完成”的承诺事项才能销号。"))
    current.closed_on = today or timezone.localdate()
    current.closed_by = reviewer
    current.close_note = note
    current.full_clean()
    current._history_user = reviewer
    current._change_reason = f"销号（说明：{note}）：{_progress_words(current.status, current.percent)}"
    current.save(update_fields=["closed_on", "closed_by", "close_note"])
    invalidation.pages_changed()
    return current


# Deleting a commitment deletes its task links by cascade, each with a deletion record of its own,
# written in the same delete just before the commitment's. Links removed by staff earlier carry
# older deletion records and stay removed.
CASCADE_WINDOW = timedelta(seconds=5)


@transaction.atomic
def restore_commitment(*, commitment_id, reviewer):
    """Bring back a deleted commitment as it was when deleted, with the task links deleted with it.

    Its progress updates come back one by one with ``restore_update`` (a commitment with updates
    cannot be deleted before them). Links to a key task that no longer exists are left out.
    """
    _require_reviewer(reviewer)
    last = Commitment.history.filter(id=commitment_id).order_by("-history_date", "-history_id").first()
    if last is None or last.history_type != "-":
        raise ValidationError(gettext("没有找到可恢复的已删除承诺事项。"))
    commitment = last.instance
    commitment.full_clean(validate_unique=False)
    commitment._history_user = reviewer
    commitment.save(force_insert=True)

    deleted_links = TaskLink.history.filter(
        commitment_id=commitment_id,
        history_type="-",
        history_date__gt=last.history_date - CASCADE_WINDOW,
        history_date__lte=last.history_date,
    ).order_by("history_date", "history_id")
    existing_tasks = set(KeyTask.objects.filter(pk__in=[h.task_id for h in deleted_links]).values_list("pk", flat=True))
    links = []
    for record in deleted_links:
        if record.task_id not in existing_tasks or TaskLink.objects.filter(pk=record.id).exists():
            continue
        link = record.instance
        link._history_user = reviewer
        link.save(force_insert=True)
        links.append(link)
    _refresh([commitment.pk])
    # Its progress was counted under no task while it was deleted: count its tasks again.
    summaries.tasks_changed([link.task_id for link in links])
    invalidation.commitments_changed([commitment.pk])
    return commitment, links
