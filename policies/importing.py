"""Bringing a report into the database: drafts when it is imported, real rows when a reviewer accepts them.

Kept apart from ``policies.importer``, which only reads (``evaluate_import`` and ``--dry-run`` run
it without writing anything), and from ``services.py``, which is about progress and its review.

    read_with_suggestions(data, *, conference_date=None, conference_name=None) -> importer.Report
    import_report(*, data, conference_date=None, conference_name=None, user, ...) -> ImportResult
    accept_statements(*, drafts, reviewer) -> [Statement]
    discard_statements(*, drafts, reviewer)
    locate_quote(flat, quote, *, within, near=None) -> (start, end)   (a reviewer's edited quote)
    due_for(quote, plan_year) -> (date, basis)
"""

import datetime
import hashlib
import re
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from . import invalidation, search, summaries
from .choices import DraftState, LinkOrigin, TaskOrigin
from .importer import read_report
from .importer.text import is_heading_line
from .models import (
    Commitment,
    Conference,
    DraftCommitment,
    DraftStatement,
    DraftTask,
    ImportedReport,
    KeyTask,
    Official,
    Organization,
    Source,
    Statement,
    TaskLink,
)
from .roles import is_reviewer

# How many suggested key tasks a drafted commitment is linked to: the top one is right for 55 % of the
# curated commitments and the second adds more wrong links than right ones (README, suggested key tasks).
SUGGESTED_LINKS = 1
# How many suggestions are kept on the draft, shown to the reviewer as alternatives.
SUGGESTIONS_KEPT = 3
SUMMARY_MAX = 200

# Plans named by their number run to the end of their last year.
_FIVE_YEAR_PLANS = {"十四五": 2025, "十五五": 2030, "十六五": 2035}
_YEAR = re.compile(r"(20\d{2})年")
_TRAILING_PUNCT = re.compile(r"[，。；、：,.;:！？!?\s]+$")


def _require_reviewer(user):
    if not is_reviewer(user):
        raise PermissionDenied(gettext("只有督查员可以导入报道、采纳或放弃草稿。"))


def text_fingerprint(flat):
    return hashlib.sha256(flat.encode("utf-8")).hexdigest()


# Due dates -----------------------------------------------------------------------------------------


def due_for(quote, year):
    """The README's rule: the end of the plan year, unless the quote names a later year or a
    five-year plan, in which case the end of that year. Returns ``(date, due_basis)``."""
    named = [(int(y), f"原文写明“{y}年”，按{y}年底计。") for y in _YEAR.findall(quote)]
    named += [(end, f"原文指向“{plan}”规划，规划期至{end}年底。") for plan, end in _FIVE_YEAR_PLANS.items() if plan in quote]
    later = [pair for pair in named if pair[0] > year]
    if later:
        end, basis = max(later)
        return datetime.date(end, 12, 31), basis
    return datetime.date(year, 12, 31), f"表态针对{year}年经济工作，未另定时限，按{year}年底计。"


def default_summary(quote):
    summary = _TRAILING_PUNCT.sub("", quote.strip())
    return summary if len(summary) <= SUMMARY_MAX else summary[: SUMMARY_MAX - 1] + "…"


# Reading, with suggested key tasks -------------------------------------------------------------------


def _flat_tasks(tasks):
    for task in tasks:
        yield task
        yield from task.children


def _existing_conference(conference):
    """The conference already in the database that a report's conference (dict) names, or None."""
    if not conference.get("held_on"):
        return None
    candidates = Conference.objects.filter(held_on=conference["held_on"])
    if conference.get("city"):
        candidates = candidates.filter(city=conference["city"])
    return candidates.first() if len(candidates[:2]) == 1 else None


def conference_for_report(report):
    """The conference in the database that an imported report's (edited) fields name, or None."""
    return _existing_conference({"held_on": report.conference_held_on, "city": report.conference_city})


def _suggestions(report):
    """For each commitment of ``report`` (in order), [(code, score)] best first, among the tasks of its
    conference: those of the conference of that date already in the database, or else the report's
    own headings. [] for each when neither is known."""
    quotes = [c.quote for s in report.statements for c in s.commitments]
    conference = _existing_conference(report.conference)
    if conference is not None and conference.tasks.exists():
        # The tasks the links will point to, with the curated links that make their profiles.
        everything = KeyTask.objects.count()
        result = []
        for quote in quotes:
            ranked = search.suggest_tasks(quote, limit=everything)
            result.append(
                [(s.task.code, s.score) for s in ranked if s.task.conference_id == conference.pk][:SUGGESTIONS_KEPT]
            )
        return result
    drafts = list(_flat_tasks(report.tasks))
    if drafts:
        return search.suggest_among(
            [(t.code, f"{t.title}\n{t.description}") for t in drafts], quotes, limit=SUGGESTIONS_KEPT
        )
    return [[] for _ in quotes]


def _read(data, conference_date, conference_name):
    if isinstance(conference_date, datetime.date):
        conference_date = conference_date.isoformat()
    report = read_report(data, conference_name=conference_name, conference_date=conference_date)
    ranked = _suggestions(report)
    commitments = [c for s in report.statements for c in s.commitments]
    for commitment, best in zip(commitments, ranked, strict=True):
        commitment.tasks = [code for code, _ in best[:SUGGESTED_LINKS]]
    return report, ranked


def read_with_suggestions(data, *, conference_date=None, conference_name=None):
    """``importer.read_report``, each commitment's ``tasks`` filled with its suggested key-task codes."""
    return _read(data, conference_date, conference_name)[0]


# Importing: drafts only --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    report: ImportedReport
    created: bool
    message: str


def _store(report, ranked, fingerprint, user, publisher, published_on):
    conference = report.conference
    imported = ImportedReport(
        text=report.text,
        sha256=fingerprint,
        encoding=report.encoding,
        conference_name=conference.get("name") or "",
        conference_city=conference.get("city") or "",
        conference_held_on=conference.get("held_on") or None,
        publisher=publisher or "",
        published_on=published_on,
        imported_by=user,
    )
    imported.full_clean()
    imported.save()
    order = 0
    for top in report.tasks:
        order += 1
        parent = DraftTask.objects.create(
            report=imported, code=top.code, order=order, title=top.title[:200], description=top.description,
            span_start=top.span[0], span_end=top.span[1],
        )
        for child in top.children:
            order += 1
            DraftTask.objects.create(
                report=imported, parent=parent, code=child.code, order=order, title=child.title[:200],
                description=child.description, span_start=child.span[0], span_end=child.span[1],
            )
    year = Conference.default_plan_year(imported.conference_held_on) if imported.conference_held_on else None
    ranked = iter(ranked)
    for found in report.statements:
        statement = DraftStatement(
            report=imported,
            official_name=found.official["name"] or "",
            official_title=found.official["title"] or "",
            organization_name=found.organization["name"] or "",
            organization_kind=found.organization["kind"] or "",
            text=found.text,
            span_start=found.span[0],
            span_end=found.span[1],
        )
        statement.full_clean(exclude=["report"])
        statement.save()
        items = []
        for commitment in found.commitments:
            # Without the conference's date the plan year is unknown: the due date is set on acceptance.
            due_date, due_basis = due_for(commitment.quote, year) if year else (None, "")
            items.append(DraftCommitment(
                statement=statement, quote=commitment.quote, span_start=commitment.span[0],
                span_end=commitment.span[1], summary=default_summary(commitment.quote), due_date=due_date,
                due_basis=due_basis, task_codes=commitment.tasks, suggested=dict(next(ranked)),
            ))
        DraftCommitment.objects.bulk_create(items)
    return imported


def import_report(*, data, conference_date=None, conference_name=None, user, publisher="", published_on=None):
    """Read ``data`` (bytes or text) and keep what it finds as drafts, all or nothing.

    Raises ``importer.ImportInputError`` for input that cannot be read (nothing is written). The same
    text (compared without its layout line breaks) imported again returns the report already stored.
    """
    _require_reviewer(user)
    report, ranked = _read(data, conference_date, conference_name)
    fingerprint = text_fingerprint(report.flat_text)
    existing = ImportedReport.objects.filter(sha256=fingerprint).first()
    if existing is None:
        try:
            with transaction.atomic():
                imported = _store(report, ranked, fingerprint, user, publisher, published_on)
        except IntegrityError:
            # The same text imported at the same moment by someone else: theirs is the one.
            existing = ImportedReport.objects.filter(sha256=fingerprint).first()
            if existing is None:
                raise
        else:
            count = imported.statements.count()
            return ImportResult(imported, True, ngettext(
                "已导入为草稿：%(count)d 段表态，待督查员审核后才会公开。",
                "已导入为草稿：%(count)d 段表态，待督查员审核后才会公开。", count) % {"count": count})
    return ImportResult(
        existing, False, gettext("这篇报道已于 %(at)s 导入过，未重复导入。")
        % {"at": f"{timezone.localtime(existing.imported_at):%Y-%m-%d %H:%M}"}
    )


# Accepting: the real rows ------------------------------------------------------------------------------


def _conference_of(report):
    if report.conference_id:
        return report.conference
    missing = [label for label, value in ((gettext("会议名称"), report.conference_name), (gettext("城市"), report.conference_city),
                                          (gettext("会议日期"), report.conference_held_on)) if not value]
    if missing:
        raise ValidationError(gettext("请先填写%(fields)s，才能采纳。") % {"fields": gettext("、").join(missing)})
    conference = Conference.objects.filter(city=report.conference_city, held_on=report.conference_held_on).first()
    if conference is None:
        conference = Conference(
            name=report.conference_name, city=report.conference_city, held_on=report.conference_held_on
        )
        conference.full_clean()
        conference.save()
    return conference


def _source_slug(report):
    return f"report-{report.published_on:%Y-%m-%d}-{report.sha256[:8]}"


def _source_of(report, conference):
    if report.source_id:
        return report.source
    if not (report.publisher and report.published_on):
        raise ValidationError(gettext("请先填写刊发媒体和刊发日期，才能采纳：公开的来源页会显示它们。"))
    first_line = next((line.strip() for line in report.text.splitlines() if line.strip()), "")
    source = Source(
        conference=conference,
        slug=_source_slug(report),
        publisher=report.publisher,
        published_on=report.published_on,
        titles=first_line if is_heading_line(first_line) else "",
        text=report.text,
    )
    source.full_clean()
    source.save()
    return source


def _key_tasks(report, conference, source):
    """The conference's key tasks by code, the report's headings created once (codes the conference
    already has keep their existing task)."""
    existing = {task.code: task for task in conference.tasks.all()}
    first_order = max((task.order for task in existing.values()), default=0)
    for draft in report.tasks.order_by("order"):
        if draft.task_id is None:
            task = existing.get(draft.code)
            if task is None:
                task = KeyTask(
                    conference=conference, parent=existing.get(draft.parent.code) if draft.parent_id else None,
                    code=draft.code, order=first_order + draft.order, title=draft.title,
                    description=draft.description, origin=TaskOrigin.INFOGRAPHIC, source=source,
                    span_start=draft.span_start, span_end=draft.span_end,
                )
                task.full_clean()
                task.save()
                existing[task.code] = task
            draft.task = task
            draft.save(update_fields=["task"])
    return existing


def _organization_for(draft):
    organization = Organization.objects.filter(name=draft.organization_name).first()
    if organization is None:
        if not draft.organization_kind:
            raise ValidationError(gettext("请为新单位“%(name)s”选择单位类型。") % {"name": draft.organization_name})
        organization = Organization(name=draft.organization_name, kind=draft.organization_kind)
        organization.full_clean()
        organization.save()
    return organization


def _official_for(draft, organization, notes):
    official = Official.objects.filter(organization=organization, name=draft.official_name).first()
    if official is None:
        if not draft.official_title:
            raise ValidationError(gettext("请填写%(name)s的职务。") % {"name": draft.official_name})
        official = Official(name=draft.official_name, title=draft.official_title, organization=organization)
        official.full_clean()
        official.save()
    elif draft.official_title and draft.official_title != official.title:
        # One title per official, shown on every year's pages: changing it is an edit of its own.
        notes.append(
            gettext("%(name)s已有记录的职务为“%(title)s”，报道为“%(reported)s”，未修改；如需更新请在“领导干部”中修改。")
            % {"name": official.name, "title": official.title, "reported": draft.official_title}
        )
    return official


def _check_slice(flat, text, start, end, what):
    if flat[start:end] != text:
        raise ValidationError(gettext("%(what)s“%(text)s”与报道原文中第 %(start)s–%(end)s 个字符不一致，请重新选择原文。") % {
            "what": what, "text": text[:30], "start": start, "end": end,
        })


def _accept_one(draft, *, flat, source, tasks, year, reviewer, notes):
    _check_slice(flat, draft.text, draft.span_start, draft.span_end, gettext("表态"))
    organization = _organization_for(draft)
    official = _official_for(draft, organization, notes)
    if Statement.objects.filter(source=source, official=official).exists():
        raise ValidationError(gettext("%(name)s在这篇报道中已有采纳的表态；同一来源每位领导干部只有一段表态。") % {"name": official.name})
    statement = Statement(
        source=source, official=official, text=draft.text, span_start=draft.span_start, span_end=draft.span_end
    )
    statement.full_clean()
    statement.save()
    for number, item in enumerate(draft.commitments.order_by("span_start", "pk"), 1):
        _check_slice(flat, item.quote, item.span_start, item.span_end, gettext("承诺原文"))
        if not (draft.span_start <= item.span_start and item.span_end <= draft.span_end):
            raise ValidationError(gettext("承诺原文“%(quote)s”不在%(name)s的表态之内。") % {"quote": item.quote[:30], "name": official.name})
        due_date, due_basis = (item.due_date, item.due_basis) if item.due_date else due_for(item.quote, year)
        commitment = Commitment(
            statement=statement, organization=organization, number=number, quote=item.quote,
            span_start=item.span_start, span_end=item.span_end, summary=item.summary or default_summary(item.quote),
            due_date=due_date, due_basis=due_basis,
        )
        commitment.full_clean()
        commitment.save()
        for code in item.task_codes:
            task = tasks.get(code)
            if task is None:
                raise ValidationError(gettext("承诺“%(summary)s”关联的重点任务 %(code)s 不是%(conference)s的重点任务。") % {
                    "summary": commitment.summary[:30], "code": code, "conference": source.conference,
                })
            score = item.suggested.get(code)
            link = TaskLink(
                commitment=commitment, task=task, score=score,
                origin=LinkOrigin.SUGGESTED if score is not None else LinkOrigin.CURATED,
            )
            link.full_clean()
            link.save()
    draft.state = DraftState.ACCEPTED
    draft.statement = statement
    draft.reviewed_by = reviewer
    draft.reviewed_at = timezone.now()
    draft.save(update_fields=["state", "statement", "reviewed_by", "reviewed_at"])
    return statement


def _locked_drafts(drafts):
    """The drafts, locked in primary-key order (two reviewers accepting the same statement: the second
    waits and then finds it accepted), all of one report and all still drafts."""
    ids = [draft.pk for draft in drafts]
    locked = list(DraftStatement.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    if not locked:
        raise ValidationError(gettext("没有选择表态。"))
    if len({draft.report_id for draft in locked}) > 1:
        raise ValidationError(gettext("一次只能处理同一篇报道的表态。"))
    done = [draft for draft in locked if draft.state != DraftState.DRAFT]
    if done:
        raise ValidationError(
            gettext("%(statements)s，不能再次处理。") % {"statements": gettext("、").join(
                gettext("%(name)s的表态%(state)s") % {"name": d.official_name, "state": gettext(d.get_state_display())}
                for d in done
            )}
        )
    return sorted(locked, key=lambda draft: draft.span_start)


@transaction.atomic
def accept_statements(*, drafts, reviewer):
    """Create the public rows for the draft statements ``drafts`` (one report's): its conference (matched by
    city and date), source and key tasks the first time, then each statement's organization and official
    (matched by name), statement, commitments and task links. All of it, or nothing and ValidationError.

    Returns ``(statements, notes)``: notes say what was matched but not changed (an official's title).
    """
    _require_reviewer(reviewer)
    drafts = _locked_drafts(drafts)
    report = ImportedReport.objects.select_for_update().get(pk=drafts[0].report_id)
    conference = _conference_of(report)
    source = _source_of(report, conference)
    if source.conference_id != conference.pk:
        raise ValidationError(gettext("这篇报道已作为另一会议的来源采纳过，不能改为本会议。"))
    tasks = _key_tasks(report, conference, source)
    report.conference, report.source = conference, source
    report.save(update_fields=["conference", "source"])
    flat = source.flat_text
    year = conference.plan_year
    notes, statements = [], []
    for draft in drafts:
        statements.append(
            _accept_one(draft, flat=flat, source=source, tasks=tasks, year=year, reviewer=reviewer, notes=notes)
        )
    # New commitments to index, new key tasks and links to fit suggestions on, new public pages.
    created = Commitment.objects.filter(statement__in=statements).values_list("pk", flat=True)
    summaries.tasks_changed(TaskLink.objects.filter(commitment__in=created).values_list("task_id", flat=True).distinct())
    invalidation.commitments_changed(list(created))
    # Their links are counted with them, by commitments_changed.
    invalidation.tasks_changed([])
    return statements, notes


@transaction.atomic
def discard_statements(*, drafts, reviewer):
    """Mark draft statements as not to be published; they stay listed, greyed, on the review page."""
    _require_reviewer(reviewer)
    drafts = _locked_drafts(drafts)
    DraftStatement.objects.filter(pk__in=[d.pk for d in drafts]).update(
        state=DraftState.DISCARDED, reviewed_by=reviewer, reviewed_at=timezone.now()
    )
    return drafts


# Editing a draft's quote ------------------------------------------------------------------------------


def locate_quote(flat, quote, *, within, near=None):
    """The span of ``quote`` in ``flat`` inside ``within`` (start, end): the only occurrence, or the one
    overlapping ``near`` (the span the quote had before). ValidationError when it is not there or
    cannot be told apart."""
    quote = quote.strip()
    if not quote:
        raise ValidationError(gettext("承诺原文不能为空。"))
    start, end = within
    found, at = [], flat.find(quote, start, end)
    while at != -1:
        found.append((at, at + len(quote)))
        at = flat.find(quote, at + 1, end)
    if not found:
        raise ValidationError(gettext("表态原文中没有“%(quote)s”：请从表态原文中复制，一字不改。") % {"quote": quote[:30]})
    if len(found) > 1 and near is not None:
        overlapping = [span for span in found if span[0] < near[1] and near[0] < span[1]]
        if len(overlapping) == 1:
            return overlapping[0]
    if len(found) > 1:
        raise ValidationError(gettext("“%(quote)s”在表态中出现 %(count)s 次：请多选几个字，使它只出现一次。") % {"quote": quote[:30], "count": len(found)})
    return found[0]
