"""Small factories for tests: plain functions, keyword arguments with defaults."""

import datetime
import itertools

from django.contrib.auth import get_user_model
from django.core.management import call_command

from policies import search
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


def load_conference():
    """The shipped conference data, loaded the way `make run` loads it."""
    call_command("load_conference", verbosity=0)


def make_conference(**kwargs):
    kwargs.setdefault("name", "测试经济工作会议")
    kwargs.setdefault("city", f"测试市{next(_seq)}")
    kwargs.setdefault("held_on", datetime.date(2020, 12, 29))
    return Conference.objects.create(**kwargs)


def make_source(**kwargs):
    kwargs["conference"] = kwargs.get("conference") or make_conference()
    kwargs.setdefault("slug", f"source-{next(_seq)}")
    kwargs.setdefault("publisher", "测试日报")
    kwargs.setdefault("published_on", datetime.date(2020, 12, 30))
    kwargs.setdefault("text", "测试原文。" * 200)
    return Source.objects.create(**kwargs)


def make_task(**kwargs):
    n = next(_seq)
    source = kwargs.get("source") or make_source(conference=kwargs.get("conference"))
    kwargs["source"] = source
    kwargs.setdefault("conference", source.conference)
    kwargs.setdefault("code", f"T{n}")
    kwargs.setdefault("order", n)
    kwargs.setdefault("title", f"测试任务{n}")
    kwargs.setdefault("span_start", 0)
    kwargs.setdefault("span_end", 5)
    return KeyTask.objects.create(**kwargs)


def make_organization(**kwargs):
    kwargs.setdefault("name", f"测试区{next(_seq)}")
    kwargs.setdefault("kind", Organization.Kind.DISTRICT)
    return Organization.objects.create(**kwargs)


def make_official(**kwargs):
    kwargs["organization"] = kwargs.get("organization") or make_organization()
    kwargs.setdefault("name", f"测试{next(_seq)}")
    kwargs.setdefault("title", "区委书记")
    return Official.objects.create(**kwargs)


def make_statement(**kwargs):
    kwargs["official"] = kwargs.get("official") or make_official()
    kwargs["source"] = kwargs.get("source") or make_source()
    kwargs.setdefault("text", "测试表态")
    kwargs.setdefault("span_start", 0)
    kwargs.setdefault("span_end", 4)
    return Statement.objects.create(**kwargs)


def make_commitment(tasks=(), **kwargs):
    if "statement" not in kwargs:
        official = make_official(organization=kwargs["organization"]) if "organization" in kwargs else make_official()
        kwargs["statement"] = make_statement(official=official, source=kwargs.pop("source", None))
    kwargs.setdefault("organization", kwargs["statement"].official.organization)
    kwargs.setdefault("number", next(_seq))
    kwargs.setdefault("quote", "测试承诺原文")
    kwargs.setdefault("summary", "测试承诺")
    kwargs.setdefault("span_start", 0)
    kwargs.setdefault("span_end", 6)
    kwargs.setdefault("due_date", datetime.date(2021, 12, 31))
    commitment = Commitment.objects.create(**kwargs)
    for task in tasks:
        TaskLink.objects.create(commitment=commitment, task=task)
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
