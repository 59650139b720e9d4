import json

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.db import transaction

from policies import invalidation
from policies.models import Commitment, KeyTask, TaskLink
from policies.services import LOADED_FROM_FIXTURE, record_loaded_history, refresh_progress

DEFAULT_FIXTURES = ["fixtures/conference-2020.json"]

# Reloading never overwrites staff work. Rows loaded from a fixture have only history records marked
# LOADED_FROM_FIXTURE (written by this command: simple-history records nothing for raw saves), so any
# other history record means someone changed the row since: the fixture leaves it as it is; a deletion in the history means someone removed it:
# the fixture does not bring it back. Rows of models without history (conference, source, organization,
# official, statement) cannot tell, so the fixture only creates them when they are missing.
# How a row is known in the history when it is gone (its natural key, as ids):
IDENTITY = {Commitment: ("statement_id", "number"), KeyTask: ("conference_id", "code"), TaskLink: ("commitment_id", "task_id")}


class Command(BaseCommand):
    help = (
        "载入会议数据（重点任务、领导干部、表态与承诺）。可重复执行：按自然键补充缺少的记录，"
        "更新从未被人工修改过的承诺、重点任务和关联；人工修改或删除过的记录保持原样，不会被覆盖或恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", default=DEFAULT_FIXTURES, help="fixture 文件，默认载入 2020 年会议。")

    @transaction.atomic
    def handle(self, *args, fixtures, **options):
        counts = {"created": 0, "updated": 0, "kept": 0, "present": 0}
        updated = {}  # model → ids of existing rows this load changed
        left_out = set()  # (model label, natural key) of rows staff removed, which rows after them may name
        for fixture in fixtures:
            with open(fixture, encoding="utf-8") as stream:
                rows = json.load(stream)
            for raw in rows:
                if any((label, key) in left_out for label, key in _references(raw)):
                    counts["kept"] += 1
                    continue
                (loaded,) = serializers.deserialize("python", [raw])
                outcome = _outcome(loaded)
                if outcome == "kept" and loaded.object.pk is None:
                    left_out.add((raw["model"], tuple(loaded.object.natural_key())))
                elif outcome in ("created", "updated"):
                    loaded.save()
                    if outcome == "updated":
                        updated.setdefault(type(loaded.object), set()).add(loaded.object.pk)
                counts[outcome] += 1
        # The fixture writes every field of a commitment, the derived progress too: derive it again.
        refresh_progress()
        # loaddata saves raw rows and the project has no signal receivers: derive the search index,
        # the suggestions and the cached pages from what was loaded, once, after the commit.
        invalidation.everything_changed()
        # simple-history does not record raw saves either: each row created or updated here gets a
        # history row of its own, marked LOADED_FROM_FIXTURE so that _outcome can tell it from staff's.
        record_loaded_history(updated=updated)
        if options["verbosity"]:
            self.stdout.write(
                f"会议数据：新增 {counts['created']} 条，更新 {counts['updated']} 条，"
                f"已存在而不覆盖的 {counts['present']} 条，保留人工修改或删除的 {counts['kept']} 条。"
            )


def _references(raw):
    """(model label, natural key) of each row that a fixture row refers to by natural key."""
    model = apps.get_model(raw["model"])
    for name, value in raw["fields"].items():
        field = model._meta.get_field(name)
        if field.is_relation and field.many_to_one and isinstance(value, list):
            yield field.related_model._meta.label_lower, tuple(value)


def _outcome(loaded):
    """created, updated, present (a row without history, left alone) or kept (left as staff left it)."""
    row = loaded.object
    model = type(row)
    if row.pk is not None and model._default_manager.filter(pk=row.pk).exists():
        if not hasattr(model, "history"):
            return "present"  # no history to tell a staff edit from the fixture's own row: never overwritten
        if _changed_by_staff(model, row.pk):
            return "kept"
        return "updated"
    if model in IDENTITY:
        identity = {field: getattr(row, field) for field in IDENTITY[model]}
        if model.history.filter(history_type="-", **identity).exists():
            return "kept"
    return "created"


def _changed_by_staff(model, pk):
    return model.history.filter(id=pk).exclude(history_change_reason=LOADED_FROM_FIXTURE).exists()
