"""The full open-data download: every public table as CSV, a README of the columns and a licence, in one zip.

Built on first request and kept as a file under TRACKER_DATA_DIR/cache/open-data/, named by the data
version (policies/cache.py), which every write changes: a zip is rebuilt after the data changed, or
when it is older than OPEN_DATA_MAX_AGE (writes that send no signal do not change the version), and
otherwise served from disk. Tables are written row by row into the zip, never held in memory.

Only public data goes in: progress updates that were approved, without who reported or reviewed
them; no users, reporters, rejected or pending updates, or history.
"""

import csv
import io
import os
import tempfile
import time
import zipfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import exports
from .cache import data_version
from .models import Conference, KeyTask, Official, Organization, ProgressUpdate, Source, Statement, TaskLink
from .spreadsheets import neutralize_formula

OPEN_DATA_MAX_AGE = 24 * 3600
CHUNK = 2000


def _date(value):
    return value.isoformat() if value else ""


def _time(value):
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


# (file, what one row is, queryset factory, [(column, description, value)])
TABLES = [
    ("conferences.csv", "一次经济工作会议", lambda: Conference.objects.order_by("pk"), [
        ("id", "编号", lambda r: r.pk),
        ("name", "会议名称", lambda r: r.name),
        ("city", "城市", lambda r: r.city),
        ("held_on", "召开日期（YYYY-MM-DD）", lambda r: _date(r.held_on)),
    ]),
    ("sources.csv", "一篇报道会议及表态的来源（报纸版面）", lambda: Source.objects.order_by("pk"), [
        ("slug", "来源标识；原文页面为 /sources/<标识>/", lambda r: r.slug),
        ("conference_id", "会议编号（conferences.csv 的 id）", lambda r: r.conference_id),
        ("publisher", "刊发媒体", lambda r: r.publisher),
        ("published_on", "刊发日期", lambda r: _date(r.published_on)),
        ("titles", "本版各篇文章的标题，以“|”分隔", lambda r: "|".join(r.title_lines())),
        ("text", "逐字原文，保留版面换行（版权归刊发媒体，见 LICENCE.txt）", lambda r: r.text),
    ]),
    ("key_tasks.csv", "会议部署的一项重点任务或其子项", lambda: KeyTask.objects.select_related("source").order_by("order", "pk"), [
        ("id", "编号", lambda r: r.pk),
        ("conference_id", "会议编号", lambda r: r.conference_id),
        ("code", "任务编号，如 T2、T2.1；页面为 /tasks/<编号>/", lambda r: r.code),
        ("parent_id", "上级任务的 id；顶层任务为空", lambda r: r.parent_id or ""),
        ("order", "版面顺序", lambda r: r.order),
        ("title", "标题", lambda r: r.title),
        ("description", "说明", lambda r: r.description),
        ("origin", "出处类型：infographic（重点任务图解）或 quoted_demand（报道引用的会议要求）", lambda r: r.origin),
        ("source", "来源标识", lambda r: r.source.slug),
        ("span_start", "在来源去掉换行后的全文中的起始字符位置", lambda r: r.span_start),
        ("span_end", "结束字符位置（不含）", lambda r: r.span_end),
    ]),
    ("organizations.csv", "一个责任单位", lambda: Organization.objects.order_by("pk"), [
        ("id", "编号；页面为 /organizations/<编号>/", lambda r: r.pk),
        ("name", "名称", lambda r: r.name),
        ("kind", "类型：district、county、department、zone 或 enterprise", lambda r: r.kind),
    ]),
    ("officials.csv", "一位作出表态的领导干部", lambda: Official.objects.order_by("pk"), [
        ("id", "编号；页面为 /officials/<编号>/", lambda r: r.pk),
        ("name", "姓名", lambda r: r.name),
        ("title", "报道所载的时任职务", lambda r: r.title),
        ("organization_id", "所在单位编号", lambda r: r.organization_id),
    ]),
    ("statements.csv", "一位领导干部在一个来源中的全部表态", lambda: Statement.objects.select_related("source").order_by("pk"), [
        ("id", "编号", lambda r: r.pk),
        ("source", "来源标识", lambda r: r.source.slug),
        ("official_id", "领导干部编号", lambda r: r.official_id),
        ("text", "表态原文（逐字）", lambda r: r.text),
        ("span_start", "起始字符位置", lambda r: r.span_start),
        ("span_end", "结束字符位置（不含）", lambda r: r.span_end),
    ]),
    ("task_links.csv", "一项承诺与一项重点任务的对应", lambda: TaskLink.objects.order_by("pk"), [
        ("commitment_id", "承诺事项编号", lambda r: r.commitment_id),
        ("task_id", "重点任务编号（key_tasks.csv 的 id）", lambda r: r.task_id),
        ("origin", "curated（人工核定）或 suggested（分词相似度建议）", lambda r: r.origin),
    ]),
    ("progress_updates.csv", "一条经督查室审核通过的进展", lambda: ProgressUpdate.objects.approved().order_by("pk"), [
        ("id", "编号", lambda r: r.pk),
        ("commitment_id", "承诺事项编号", lambda r: r.commitment_id),
        ("reported_on", "进展日期", lambda r: _date(r.reported_on)),
        ("status", "状态代码（同 commitments.csv）", lambda r: r.status),
        ("percent", "完成进度（%）", lambda r: r.percent),
        ("note", "进展说明", lambda r: r.note),
        ("evidence_url", "佐证链接", lambda r: r.evidence_url),
        ("reviewed_at", "审核通过时间（北京时间，ISO 8601）", lambda r: _time(r.reviewed_at)),
    ]),
]

LICENCE = """开放数据许可 · Licence

本数据包中由本站整理的数据——会议、重点任务树、单位、领导干部、承诺事项的划分与摘要、
完成时限及其依据、任务关联、进展记录，以及各表的结构——以知识共享 署名 4.0 国际许可协议
（CC BY 4.0，https://creativecommons.org/licenses/by/4.0/deed.zh-hans）提供。
署名请写：“经济工作承诺跟踪”，并注明下载日期。

报纸原文不在此许可之内。sources.csv 的 text 列、statements.csv 的 text 列与
commitments.csv 的“原文引述”列是公开报道的逐字原文，版权归刊发媒体（见 sources.csv 的
publisher 列）所有。本站为评论、研究与监督公共事务之目的引用，以便读者核对每项承诺的出处；
这些文字不因收入本数据包而获得任何许可，再使用时请自行判断是否属于合理使用，或取得刊发媒体的授权。

The data curated by this site (conferences, the key-task tree, organizations, officials, how the
statements were divided into commitments and summarized, due dates and their basis, task links,
progress updates, and the structure of every table) is licensed under Creative Commons Attribution
4.0 International (CC BY 4.0). The newspaper's text (sources.csv "text", statements.csv "text",
the quotes in commitments.csv) is not: it is the publisher's, quoted here for commentary and so that
readers can check each commitment against its source. Reusing it is for you to justify.
"""


def _readme(generated_at):
    lines = [
        "# 经济工作承诺跟踪 · 开放数据",
        "",
        f"生成时间：{_time(generated_at)}。各表均为 UTF-8（带 BOM）编码的 CSV，首行为列名。",
        "许可见 LICENCE.txt：整理的数据为 CC BY 4.0；报纸原文版权归刊发媒体，仅为评论引用。",
        "以“=”“+”“-”“@”、制表符或回车开头的文字前加了一个英文单引号（'），以免电子表格把它当作公式执行；",
        "用程序读取时去掉该单引号即为原文。进展只含经审核通过的记录，不含填报人与审核人。",
        "",
        f"In English: generated {_time(generated_at)}. Every table is a UTF-8 CSV (with a BOM), column names in "
        "the first row; the data is in Chinese, as published. commitments.csv has Chinese column names, the same "
        "as the list's export; their English keys (those of the JSON export) are in the second column of its "
        "table below. The other tables have English column names. Text beginning with =, +, -, @, a tab or a "
        "carriage return starts with an added apostrophe (') so that spreadsheets do not run it as a formula: "
        "drop it when reading with a program. Progress holds approved updates only, without who reported or "
        "reviewed them. Licence: LICENCE.txt (the curated data is CC BY 4.0; the newspaper's text is the "
        "publisher's).",
        "",
        "## commitments.csv",
        "",
        "一行为一项承诺事项；与网站“全部承诺”的导出（/commitments/export/）列相同。",
        "",
        "| 列名 | 字段 | 说明 |",
        "|---|---|---|",
    ]
    lines += [f"| {c.label} | {c.key} | {c.description} |" for c in exports.COLUMNS]
    for name, what, _, columns in TABLES:
        lines += ["", f"## {name}", "", f"一行为{what}。", "", "| 列名 | 说明 |", "|---|---|"]
        lines += [f"| {column} | {description} |" for column, description, _ in columns]
    return "\n".join(lines) + "\n"


def _write_csv(archive, name, header, rows):
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        writer = csv.writer(text)
        writer.writerow(header)
        for row in rows:
            writer.writerow([neutralize_formula(value) for value in row])


def build_archive(file):
    """Write the whole open-data zip to ``file``."""
    generated_at = timezone.now()
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.md", _readme(generated_at))
        archive.writestr("LICENCE.txt", LICENCE)
        _write_csv(archive, "commitments.csv", exports.HEADER, exports.rows(exports.export_queryset()))
        for name, _, queryset, columns in TABLES:
            rows = ([value(row) for _, _, value in columns] for row in queryset().iterator(chunk_size=CHUNK))
            _write_csv(archive, name, [column for column, _, _ in columns], rows)


def _cache_dir():
    return Path(settings.DATA_DIR) / "cache" / "open-data"


def cached_archive():
    """The path of an up-to-date zip, built now if the data changed or the last one is too old."""
    directory = _cache_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"open-data-{data_version()}.zip"
    if path.exists() and time.time() - path.stat().st_mtime < OPEN_DATA_MAX_AGE:
        return path
    # Built beside its final name and renamed: a reader never sees half a zip, and two builders racing
    # each produce a whole one.
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".part", delete=False) as part:
        try:
            build_archive(part)
        except BaseException:
            os.unlink(part.name)
            raise
    os.replace(part.name, path)
    # Older zips go once no request can still be about to open them.
    for old in directory.glob("open-data-*"):
        if old != path and time.time() - old.stat().st_mtime > 600:
            old.unlink(missing_ok=True)
    return path


@require_GET
def open_data_zip(request):
    path = cached_archive()
    response = FileResponse(path.open("rb"), content_type="application/zip", as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="open-data-{timezone.localdate():%Y%m%d}.zip"'
    return response
