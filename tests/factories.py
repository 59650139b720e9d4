"""Small factories for tests: plain functions, keyword arguments with defaults."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.core.management import call_command

from policies import search, summaries
from policies.choices import OrganizationKind
from policies.models import (
    Commitment,
    Conference,
    KeyTask,
    Official,
    Organization,
    ProgressUpdate,
    Source,
    Statement,
    TaskLink,
)

_seq = itertools.count(1)


def shipped_commitment_count():
    """How many commitments fixtures/conference-2020.json holds, for tests that add to the shipped data."""
    import json
    from pathlib import Path

    fixture = Path(__file__).resolve().parent.parent / "fixtures" / "conference-2020.json"
    return sum(row["model"] == "policies.commitment" for row in json.loads(fixture.read_text("utf-8")))


def load_conference():
    """The shipped conference data, loaded the way `make run` loads it."""
    call_command("load_conference", verbosity=0)


def make_conference(**kwargs):
    n = next(_seq)
    kwargs.setdefault("name", "测试经济工作会议")
    kwargs.setdefault("city", f"测试市{n}")
    # Many test conferences share a date; the real default slug (the date) would clash.
    kwargs.setdefault("slug", f"conference-{n}")
    kwargs.setdefault("held_on", datetime.date(2020, 12, 29))
    return Conference.objects.create(**kwargs)


def make_source(**kwargs):
    kwargs["conference"] = kwargs.get("conference") or make_conference()
    kwargs.setdefault("slug", f"source-{next(_seq)}")
    kwargs.setdefault("publisher", "测试日报")
    kwargs.setdefault("published_on", datetime.date(2020, 12, 30))
    kwargs.setdefault("text", "测试原文。" * 200)
    return Source.objects.create(**kwargs)


def _locate(kwargs, field, flat_text, start=0, end=None):
    """Set the span of ``kwargs[field]`` from where it is in ``flat_text``, unless the test gave one:
    rows that models' clean() would refuse only when a test builds them on purpose."""
    if "span_start" in kwargs or "span_end" in kwargs:
        return
    at = flat_text.find(kwargs[field], start, len(flat_text) if end is None else end)
    kwargs["span_start"] = max(at, 0)
    kwargs["span_end"] = kwargs["span_start"] + len(kwargs[field])


def make_task(**kwargs):
    n = next(_seq)
    kwargs.setdefault("title", f"测试任务{n}")
    source = kwargs.get("source") or make_source(conference=kwargs.get("conference"),
                                                 text=f"重点任务\n{kwargs['title']}\n测试原文。")
    kwargs["source"] = source
    kwargs.setdefault("conference", source.conference)
    kwargs.setdefault("code", f"T{n}")
    kwargs.setdefault("order", n)
    _locate(kwargs, "title", source.flat_text)
    return KeyTask.objects.create(**kwargs)


def make_organization(**kwargs):
    kwargs.setdefault("name", f"测试区{next(_seq)}")
    kwargs.setdefault("kind", OrganizationKind.DISTRICT)
    return Organization.objects.create(**kwargs)


def make_official(**kwargs):
    kwargs["organization"] = kwargs.get("organization") or make_organization()
    kwargs.setdefault("name", f"测试{next(_seq)}")
    kwargs.setdefault("title", "区委书记")
    return Official.objects.create(**kwargs)


def make_statement(**kwargs):
    kwargs["official"] = kwargs.get("official") or make_official()
    if not kwargs.get("source"):
        text = kwargs.get("text", "测试表态")
        kwargs["source"] = make_source(text=f"测试领导表示，\n{text}\n其余报道。")
    kwargs.setdefault("text", "测试表态")
    _locate(kwargs, "text", kwargs["source"].flat_text)
    return Statement.objects.create(**kwargs)


def make_commitment(tasks=(), **kwargs):
    if "statement" not in kwargs:
        official = make_official(organization=kwargs["organization"]) if "organization" in kwargs else make_official()
        kwargs["statement"] = make_statement(official=official, source=kwargs.pop("source", None),
                                             text=kwargs.get("quote", "测试承诺原文"))
    statement = kwargs["statement"]
    kwargs.setdefault("organization", statement.official.organization)
    kwargs.setdefault("number", next(_seq))
    kwargs.setdefault("quote", "测试承诺原文")
    kwargs.setdefault("summary", "测试承诺")
    _locate(kwargs, "quote", statement.source.flat_text, statement.span_start, statement.span_end)
    kwargs.setdefault("due_date", datetime.date(2021, 12, 31))
    commitment = Commitment.objects.create(**kwargs)
    for task in tasks:
        TaskLink.objects.create(commitment=commitment, task=task)
    # Counted under its tasks and in its organization's lights at once, as after an admin save.
    summaries.tasks_changed([task.pk for task in tasks])
    summaries.organizations_changed([commitment.organization_id])
    # Searchable at once, as after an admin save (there the indexing waits for the commit).
    search.index_commitments([commitment.pk])
    return commitment


def make_user(**kwargs):
    kwargs.setdefault("username", f"user{next(_seq)}")
    password = kwargs.pop("password", "pw")
    user = get_user_model().objects.create_user(**kwargs)
    user.set_password(password)
    user.save()
    return user


def make_update(**kwargs):
    kwargs["commitment"] = kwargs.get("commitment") or make_commitment()
    kwargs.setdefault("reported_on", datetime.date(2021, 6, 30))
    kwargs.setdefault("status", "in_progress")
    kwargs.setdefault("percent", 50)
    kwargs.setdefault("note", "测试进展")
    kwargs["author"] = kwargs.get("author") or make_user()
    return ProgressUpdate.objects.create(**kwargs)


def make_reviewer(**kwargs):
    """A 督查员: staff, in the reviewer group (run ensure_roles first)."""
    from django.contrib.auth.models import Group

    from policies.roles import REVIEWER_GROUP

    user = make_user(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    return user


def make_reporter(*, organization, **kwargs):
    """A 填报员 of ``organization``: staff, in the reporter group (run ensure_roles first)."""
    from django.contrib.auth.models import Group

    from policies.models import Reporter
    from policies.roles import REPORTER_GROUP

    user = make_user(is_staff=True, **kwargs)
    user.groups.add(Group.objects.get(name=REPORTER_GROUP))
    Reporter.objects.create(user=user, organization=organization)
    return user


# ---- a small world: what most page tests need, built in a few dozen rows ----------------------

WORLD_TASKS = {
    # code: (title, sub-items)
    "T1": ("推动高质量发展", ["扩大有效投资", "发展数字经济"]),
    "T2": ("保障和改善民生", ["稳定和扩大就业", "办好人民满意的教育", "提高医疗服务水平"]),
}
# organization, kind, official, title, the commitments of the official's statement (each a verbatim clause)
WORLD_STATEMENTS = [
    ("江岸区", "district", "王建国", "区委书记", ["新开工重大项目30个", "建成数字产业园二期", "新增城镇就业1.2万人"]),
    ("河西区", "district", "李明", "区长", ["实施城市更新项目12个", "新增就业岗位8000个"]),
    ("山前县", "county", "赵青", "县委书记", ["建设高标准农田5万亩", "新建义务教育学校3所"]),
    ("市人力社保局", "department", "孙丽", "局长", ["开展职业技能培训10万人次", "城镇调查失业率控制在5.5%以内"]),
    ("市卫生健康委", "department", "周平", "主任", ["建成区域医疗中心2个"]),
    ("高新区", "zone", "吴强", "党工委书记", ["引进数字经济企业50家", "研发投入增长15%"]),
    ("城投集团", "enterprise", "郑涛", "党委书记、董事长", ["完成投资200亿元"]),
]
# Which sub-item each commitment serves, by (statement index, commitment index).
WORLD_LINKS = {
    (0, 0): "T1.1", (0, 1): "T1.2", (0, 2): "T2.1", (1, 0): "T1.1", (1, 1): "T2.1", (2, 0): "T1.1",
    (2, 1): "T2.2", (3, 0): "T2.1", (3, 1): "T2.1", (4, 0): "T2.3", (5, 0): "T1.2", (5, 1): "T1.2", (6, 0): "T1.1",
}


def world_text():
    """The source page of the world, laid out like the transcribed newspaper page: blocks separated by
    blank lines; a headline, the key tasks as an infographic (one item a block), then each official's
    statement, the first one cut by a column break in mid-sentence."""
    blocks = ["测试市经济工作会议召开"]
    for code, (title, items) in WORLD_TASKS.items():
        blocks.append(f"{code[1:]}、{title}")
        blocks.extend(f"（{i}）{item} 详见会议部署" for i, item in enumerate(items, 1))
    for s, (organization, _, official, title, clauses) in enumerate(WORLD_STATEMENTS):
        statement = f"{organization}{title}{official}表示，明年将{'，'.join(clauses)}。"
        if s == 0:
            cut = statement.index("，建成") + 1
            statement = statement[:cut] + "\n\n" + statement[cut:]
        blocks.append(statement)
    return "\n\n".join(blocks)


def make_world(*, progress=True, **kwargs):
    """A conference with a two-level task tree, organizations of every kind, one official and statement
    each, 13 commitments quoted verbatim from the source, their links, and (unless ``progress`` is
    false) an approved update of 40 % on the first commitment of each statement, progress refreshed.
    Returns a namespace of what it made."""
    from types import SimpleNamespace

    from policies.services import refresh_progress

    conference = make_conference(**kwargs)
    source = make_source(conference=conference, slug=f"world-{conference.pk}", text=world_text(),
                         titles="测试市经济工作会议召开")
    flat = source.flat_text
    tasks = {}
    for order, (code, (title, items)) in enumerate(WORLD_TASKS.items(), 1):
        heading = f"{code[1:]}、{title}"
        start = flat.index(heading)
        parent = make_task(source=source, code=code, order=order * 10, title=title,
                           span_start=start, span_end=start + len(heading))
        tasks[code] = parent
        for i, item in enumerate(items, 1):
            start = flat.index(item, start)
            tasks[f"{code}.{i}"] = make_task(source=source, parent=parent, code=f"{code}.{i}", order=order * 10 + i,
                                             title=item, span_start=start, span_end=start + len(item))
    organizations, officials, statements, commitments = {}, [], [], []
    for s, (org_name, kind, name, title, clauses) in enumerate(WORLD_STATEMENTS):
        # Organizations and officials are shared across conferences: a second world reuses them.
        organization = (organizations.get(org_name) or Organization.objects.filter(name=org_name).first()
                        or make_organization(name=org_name, kind=kind))
        organizations[org_name] = organization
        official = (Official.objects.filter(organization=organization, name=name).first()
                    or make_official(organization=organization, name=name, title=title))
        text = f"明年将{'，'.join(clauses)}。"
        start = flat.index(text)
        statement = make_statement(official=official, source=source, text=text, span_start=start,
                                   span_end=start + len(text))
        officials.append(official)
        statements.append(statement)
        for c, clause in enumerate(clauses):
            at = flat.index(clause, start)
            commitments.append(make_commitment(
                statement=statement, number=c + 1, quote=clause, summary=clause, span_start=at,
                span_end=at + len(clause), due_date=datetime.date(2021 + c % 2, 12, 31),
                tasks=[tasks[WORLD_LINKS[(s, c)]]],
            ))
    author = make_user(username=f"world-author-{conference.pk}") if progress else None
    updates = [] if not progress else [
        make_update(commitment=statement.commitments.order_by("number").first(), status="in_progress",
                    percent=40, review_state="approved", reported_on=datetime.date(2021, 6, 30),
                    author=author, note="按计划推进")
        for statement in statements
    ]
    refresh_progress(commitments=Commitment.objects.filter(pk__in=[c.pk for c in commitments]))
    return SimpleNamespace(conference=conference, source=source, tasks=tasks, organizations=organizations,
                           officials=officials, statements=statements, commitments=commitments, updates=updates)
