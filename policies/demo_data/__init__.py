"""Demonstration data at realistic scale, for the benchmark: a separate SQLite database.

The real 2020 conference is loaded first, so generated commitments link to its real key tasks; on top
of it come fictional organizations (every name ends in "（演示）"), their officials, monthly demo
sources from 2021 to 2025, N commitments whose quotes recombine phrases of the real quotes, and
about ten progress updates each in every review state. Serve it with TRACKER_DEMO_DATA=1 so that every
page says it is demonstration data (see policies/demo.py for the banner).

Rows are written with executemany in large batches and explicit ids (the ORM would spend most of
a minute building model instances); the cached progress is then derived by services.refresh_progress,
the same set-based UPDATE the site uses. ``build_database`` builds the file under a temporary name and
renames it at the end, so a database at the final path is always complete. The command
``generate_demo_data`` is a thin wrapper around it.
"""

import datetime
import itertools
import math
import random
import re
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, transaction

from .. import search, summaries
from ..cache import bump_data_version
from ..choices import LinkOrigin, OrganizationKind, ReviewState, Status
from ..models import Commitment, Conference, Official, Organization, ProgressUpdate, Source, Statement, TaskLink
from ..services import refresh_progress


class DemoDataError(Exception):
    """A request the generator refuses; the message says why, in words for the person who ran it."""


FIXTURE = "fixtures/conference-2020.json"
DEMO_MARK = "（演示）"
MARKER_TABLE = "tracker_demo_data"
# Bump when the generated data changes shape, so that `make bench` rebuilds databases it would reuse.
GENERATOR_VERSION = 3
MAX_COMMITMENTS = 500_000
BATCH = 20_000
FIRST_DAY = datetime.date(2021, 1, 1)
LAST_DAY = datetime.date(2025, 12, 31)

# Fictional place names: two characters picked so as not to spell a real district or county of Chongqing.
_PLACE_FIRST = "青云松桐柏枫岚梧榕桂兰杉槐杏苇"
_PLACE_SECOND = "岭源湾坪滩屿林汀"
_FIELDS = [
    "数字经济", "科技创新", "乡村振兴", "开放合作", "营商环境", "产业发展", "城市更新", "生态保护", "就业服务", "社会保障",
    "交通建设", "能源保障", "文化旅游", "商贸流通", "金融服务", "住房保障", "医疗卫生", "教育发展", "水利建设", "农业农村",
    "数据资源", "招商投资", "市场监管", "应急管理", "区域协同", "工业和信息化", "规划和自然资源", "人才发展", "消费促进", "口岸物流",
]
_ENTERPRISE_PREFIX = ["青禾", "云帆", "松石", "江汇", "桐润", "柏川", "枫林", "岚山", "溪谷", "峰泰"]
_INDUSTRIES = ["能源", "交通", "建设", "物流", "电子", "汽车", "农业", "水务", "文旅", "数字科技"]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
_TITLES = {
    OrganizationKind.DISTRICT: ["区委书记", "区长"],
    OrganizationKind.COUNTY: ["县委书记", "县长"],
    OrganizationKind.DEPARTMENT: ["党组书记", "主任"],
    OrganizationKind.ZONE: ["党工委书记", "管委会主任"],
    OrganizationKind.ENTERPRISE: ["党委书记、董事长", "总经理"],
}
_NOTES = [
    "已召开专题推进会，明确责任分工和时间节点。",
    "已完成前期调研和实施方案编制。",
    "相关政策文件已印发实施，配套措施正在落实。",
    "重点项目按计划推进，完成阶段性目标。",
    "组织开展现场督导，推动发现的问题整改到位。",
    "形成阶段性成果，正在总结经验、复制推广。",
    "受外部因素影响，部分工作进度慢于计划，已制定赶进度措施。",
]
_REJECTION_REASONS = [
    "佐证材料不足，请补充相关文件或图片。",
    "完成进度与佐证材料不符，请核实后重新填报。",
    "进展说明过于笼统，请写明具体措施和量化成果。",
    "进展日期有误，请更正后重新提交。",
]


def fictional_organizations():
    """About 40 districts and counties, 60 departments, 10 zones and 100 enterprises, all marked as demo."""
    places = [a + b for a in _PLACE_FIRST for b in _PLACE_SECOND]
    orgs = [(f"{name}区{DEMO_MARK}", OrganizationKind.DISTRICT) for name in places[0:50:2]]
    orgs += [(f"{name}县{DEMO_MARK}", OrganizationKind.COUNTY) for name in places[1:31:2]]
    orgs += [(f"市{field}{suffix}{DEMO_MARK}", OrganizationKind.DEPARTMENT) for field in _FIELDS for suffix in ("促进局", "服务中心")]
    orgs += [(f"{name}新区{DEMO_MARK}", OrganizationKind.ZONE) for name in places[60:70]]
    orgs += [
        (f"{prefix}{industry}集团有限公司{DEMO_MARK}", OrganizationKind.ENTERPRISE)
        for prefix in _ENTERPRISE_PREFIX
        for industry in _INDUSTRIES
    ]
    return orgs


def phrases_from_real_quotes(using):
    """The real quotes cut at their commas and semicolons, each with the key tasks its quote is linked to."""
    phrases = []
    commitments = Commitment.objects.using(using).filter(statement__source__publisher="重庆日报").prefetch_related("tasks")
    for commitment in commitments.order_by("pk"):
        task_ids = sorted(task.pk for task in commitment.tasks.all())
        for phrase in re.split(r"[，；。：]", commitment.quote):
            if len(phrase) >= 5 and task_ids and _balanced(phrase):
                phrases.append((phrase, task_ids))
    return phrases


def _balanced(phrase):
    return all(phrase.count(left) == phrase.count(right) for left, right in ("“”", "《》", "（）", "‘’"))


class _Ids:
    """Explicit primary keys, continuing after what the table already holds."""

    def __init__(self, using, model):
        last = model.objects.using(using).order_by("-pk").values_list("pk", flat=True).first()
        self.first = (last or 0) + 1

    def __iter__(self):
        return itertools.count(self.first)


def _insert(cursor, model, fields, rows):
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in fields]
    quote = cursor.db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    for start in range(0, len(rows), BATCH):
        cursor.executemany(sql, rows[start : start + BATCH])


def build_database(*, path, commitments, seed, replace=False):
    """Build the demo database file at ``path`` (never the default database); return (path, row counts)."""
    if not 1 <= commitments <= MAX_COMMITMENTS:
        raise DemoDataError(f"--commitments 必须在 1 到 {MAX_COMMITMENTS} 之间，收到 {commitments}。")
    path = Path(path or settings.DATA_DIR / f"demo-{commitments}.sqlite3").resolve()
    if path in _default_database_files():
        raise DemoDataError(f"拒绝写入默认数据库 {path}：演示数据只能写入单独的文件，请用 --database-path 指定另一个路径。")
    if path.exists():
        if not replace:
            raise DemoDataError(f"{path} 已存在；如要重新生成，请加 --replace。")
        if not _is_demo_database(path):
            raise DemoDataError(f"{path} 不是本命令生成的演示数据库，拒绝覆盖。")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".partial")
    _remove_sqlite_files(temporary)

    alias = "demo_data_build"
    _open_sqlite(alias, temporary)
    try:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
        call_command("loaddata", FIXTURE, database=alias, verbosity=0)
        counts = generate(using=alias, commitments=commitments, seed=seed)
        _mark_as_demo(alias, commitments, seed)
    except BaseException:
        _close(alias)
        _remove_sqlite_files(temporary)
        raise
    _close(alias)
    _remove_sqlite_files(path)
    temporary.rename(path)
    return path, counts


def _mark_as_demo(alias, commitments, seed):
    with connections[alias].cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (commitments INTEGER, seed INTEGER, version INTEGER, note TEXT)")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s)",
            [commitments, seed, GENERATOR_VERSION, "generate_demo_data：演示数据，并非真实承诺与进展"],
        )
        cursor.execute("ANALYZE")


class _Values:
    """Dates and times adapted for the database once per distinct value (there are few, and many rows)."""

    def __init__(self, ops):
        self.ops = ops
        self.dates = {}
        self.stamps = {}

    def day(self, value):
        if value not in self.dates:
            self.dates[value] = self.ops.adapt_datefield_value(value)
        return self.dates[value]

    def stamp(self, value, hour):
        key = (value, hour)
        if key not in self.stamps:
            moment = datetime.datetime.combine(value, datetime.time(hour), tzinfo=datetime.UTC)
            self.stamps[key] = self.ops.adapt_datetimefield_value(moment)
        return self.stamps[key]


def generate(*, using, commitments, seed):
    """Add ``commitments`` demo commitments with their sources, statements, links and updates to the
    database ``using``, which must already hold the real conference. Returns a dict of row counts."""
    rng = random.Random(seed)
    connection = connections[using]
    conference = Conference.objects.using(using).get(city="重庆", held_on=datetime.date(2020, 12, 29))
    phrases = phrases_from_real_quotes(using)
    if not phrases:
        raise DemoDataError("找不到真实会议的承诺原文：请先载入会议数据（load_conference）。")

    with transaction.atomic(using=using), connection.cursor() as cursor:
        org_ids = iter(_Ids(using, Organization))
        orgs = [(next(org_ids), name, kind) for name, kind in fictional_organizations()]
        _insert(cursor, Organization, ["id", "name", "kind"], orgs)
        statement_sizes = _statement_sizes(rng, commitments)
        officials = _officials(rng, using, orgs)
        _insert(cursor, Official, ["id", "name", "title", "organization"], [o[:4] for o in officials])
        values = _Values(connection.ops)
        reporters, reviewers = _insert_users(cursor, using, values)
        rows = _sources(rng, using, values, conference, phrases, officials, statement_sizes, reporters, reviewers)
        _insert_sources(cursor, rows)
        # PostgreSQL's sequences do not see explicit ids.
        models = [Organization, Official, get_user_model(), Source, Statement, Commitment, TaskLink, ProgressUpdate]
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
        # refresh_progress is atomic on the default database; here the transaction is the demo database's.
        refresh_progress.__wrapped__(commitments=Commitment.objects.using(using))
        # The links were inserted around every write path too: the key tasks' summaries from scratch.
        summaries.rebuild(using=using)
        # Rows were written around the ORM's signals: derive the search documents in one pass.
        search.rebuild_index(using=using)

    bump_data_version(using=using)
    return {"organizations": len(orgs), "officials": len(officials),
            **{name: len(rows[name]) for name in ("sources", "statements", "commitments", "links", "updates")}}


def _statement_sizes(rng, commitments):
    """How many commitments each statement holds: 3 to 7, adding up to ``commitments``."""
    sizes = []
    remaining = commitments
    while remaining > 0:
        size = min(remaining, rng.randint(3, 7))
        sizes.append(size)
        remaining -= size
    return sizes


def _officials(rng, using, orgs):
    """A leader and a deputy for each organization: (id, name, title, organization id, organization name)."""
    ids = iter(_Ids(using, Official))
    officials = []
    for org_id, org_name, kind in orgs:
        for i, surname in enumerate(rng.sample(_SURNAMES, 2)):
            officials.append((next(ids), f"{surname}某某", _TITLES[kind][i % 2], org_id, org_name))
    return officials


def _insert_users(cursor, using, values):
    """Six reporters and two reviewers, with passwords that can never be used to sign in; their ids."""
    user_model = get_user_model()
    joined = values.stamp(FIRST_DAY, 1)
    ids = iter(_Ids(using, user_model))
    users = [
        (next(ids), f"demo-{role}-{i}", "!demo-account-cannot-sign-in", False, False, True, joined, "", "", "")
        for role, n in (("reporter", 6), ("reviewer", 2))
        for i in range(1, n + 1)
    ]
    fields = ["id", "username", "password", "is_superuser", "is_staff", "is_active", "date_joined",
              "first_name", "last_name", "email"]
    _insert(cursor, user_model, fields, users)
    return [u[0] for u in users[:6]], [u[0] for u in users[6:]]


def _issues(n_sources):
    """(year, month, issue number within the month) of each source, spread evenly over 2021-2025's 60 months."""
    months, issues = [], {}
    for s in range(n_sources):
        m = s * 60 // n_sources
        year, month = 2021 + m // 12, m % 12 + 1
        issues[(year, month)] = issues.get((year, month), 0) + 1
        months.append((year, month, issues[(year, month)]))
    return months


def _sources(rng, using, values, conference, phrases, officials, statement_sizes, reporters, reviewers):
    """The rows of every demo source with its statements, commitments, links and updates."""
    # About 15 statements per source, as on the real page (13): long enough to read, short enough
    # that a listing which loads its source stays realistic.
    n_sources = max(60, math.ceil(len(statement_sizes) / 15))
    months = _issues(n_sources)
    # Statements spread evenly over the sources; within a source each official speaks once.
    per_source = [0] * n_sources
    for i in range(len(statement_sizes)):
        per_source[i * n_sources // len(statement_sizes)] += 1
    officials_by_source = {s: sorted(rng.sample(range(len(officials)), k)) for s, k in enumerate(per_source)}

    ids = {model: iter(_Ids(using, model)) for model in (Source, Statement, Commitment, ProgressUpdate, TaskLink)}
    rows = {"sources": [], "statements": [], "commitments": [], "links": [], "updates": []}
    header = "演示数据：本页为程序生成的演示报道，并非真实新闻，其中的单位、人物、表态与承诺均为虚构。"
    sizes = iter(statement_sizes)
    today = min(LAST_DAY, datetime.date.today())
    for s, (year, month, issue) in enumerate(months):
        published_on = datetime.date(year, month, 1 + (issue - 1) % 28)
        source_id = next(ids[Source])
        paragraphs, offset = [header], len(header)
        for o in officials_by_source.get(s, ()):
            official_id, official_name, title, org_id, org_name = officials[o]
            prefix = f"{org_name}{title}{official_name}表示，"
            quotes = []
            for _ in range(next(sizes)):
                picked = rng.sample(phrases, rng.randint(2, 3))
                quotes.append((picked, "，".join(p for p, _ in picked)))
            text = "".join(q + "。" for _, q in quotes)
            statement_id = next(ids[Statement])
            start = offset + len(prefix)
            rows["statements"].append((statement_id, source_id, official_id, text, start, start + len(text)))
            context = (rng, ids, values, today, reporters, reviewers)
            _commitments(context, rows, statement_id, org_id, quotes, start, year, published_on)
            paragraphs.append(prefix + text)
            offset += len(prefix) + len(text)
        rows["sources"].append(
            (source_id, conference.pk, f"demo-{year}-{month:02d}-{issue:03d}", "演示日报（程序生成）",
             values.day(published_on), f"演示数据：各单位承诺汇编（{year}年{month}月第{issue}期，程序生成，非真实报道）",
             "\n\n".join(paragraphs))
        )
    return rows


def _commitments(context, rows, statement_id, org_id, quotes, position, year, published_on):
    """One statement's commitments, each with its task links and progress updates, added to ``rows``."""
    rng, ids, values, today, reporters, reviewers = context
    for number, (picked, quote) in enumerate(quotes, 1):
        commitment_id = next(ids[Commitment])
        due = datetime.date(rng.randint(year, min(year + 2, 2025)), 12, 31)
        mid_year = datetime.date(due.year, 6, 30)
        if rng.random() < 0.3 and mid_year > published_on + datetime.timedelta(days=60):
            due = mid_year
        rows["commitments"].append(
            (commitment_id, statement_id, org_id, number, quote, picked[0][0][:200], values.day(due),
             "演示数据：完成时限为程序随机生成。", position, position + len(quote), Status.NOT_REPORTED, 0, None)
        )
        position += len(quote) + 1
        for task_id in sorted({t for _, tasks in picked[:1] for t in tasks} | {rng.choice(picked[-1][1])}):
            rows["links"].append((next(ids[TaskLink]), commitment_id, task_id, LinkOrigin.CURATED, None))
        rows["updates"].extend(
            _updates_for(rng, ids[ProgressUpdate], commitment_id, published_on, due, today, reporters, reviewers, values)
        )


def _insert_sources(cursor, rows):
    _insert(cursor, Source, ["id", "conference", "slug", "publisher", "published_on", "titles", "text"],
            rows["sources"])
    _insert(cursor, Statement, ["id", "source", "official", "text", "span_start", "span_end"], rows["statements"])
    _insert(
        cursor,
        Commitment,
        ["id", "statement", "organization", "number", "quote", "summary", "due_date", "due_basis",
         "span_start", "span_end", "status", "percent", "last_update_on"],
        rows["commitments"],
    )
    _insert(cursor, TaskLink, ["id", "commitment", "task", "origin", "score"], rows["links"])
    _insert(
        cursor,
        ProgressUpdate,
        ["id", "commitment", "reported_on", "status", "percent", "note", "evidence_url", "author",
         "review_state", "reviewed_by", "reviewed_at", "review_reason", "created_at"],
        rows["updates"],
    )


def _updates_for(rng, ids, commitment_id, published_on, due, today, reporters, reviewers, values):
    """About ten updates between publication and the end of 2025, progress rising, in every review state."""
    if rng.random() < 0.05:
        return []
    first = published_on + datetime.timedelta(days=10)
    last = min(today, max(due + datetime.timedelta(days=90), first + datetime.timedelta(days=120)))
    span = (last - first).days
    n = rng.randint(9, 12)
    offsets = sorted(rng.sample(range(span + 1), min(n, span + 1)))
    outcome = rng.random()  # < .45 completed, < .52 not kept, otherwise still under way
    percent = 0
    rows = []
    for i, off in enumerate(offsets):
        reported_on = first + datetime.timedelta(days=off)
        final = i == len(offsets) - 1
        percent = min(95, percent + rng.randint(3, 18))
        status = Status.IN_PROGRESS
        if reported_on > due and percent < 80:
            status = Status.BEHIND
        if final and outcome < 0.45:
            status, percent = Status.COMPLETED, 100
        elif final and outcome < 0.52:
            status = Status.NOT_KEPT
        roll = rng.random()
        author = rng.choice(reporters)
        created_at = values.stamp(reported_on + datetime.timedelta(days=rng.randint(0, 3)), 2)
        if final and roll < 0.25:
            review, reviewer, reviewed_at, reason = ReviewState.SUBMITTED, None, None, ""
        elif roll < 0.08:
            review, reason = ReviewState.REJECTED, rng.choice(_REJECTION_REASONS)
            reviewer, reviewed_at = rng.choice(reviewers), values.stamp(reported_on + datetime.timedelta(days=5), 7)
        else:
            review, reviewer, reason = ReviewState.APPROVED, rng.choice(reviewers), ""
            reviewed_at = values.stamp(reported_on + datetime.timedelta(days=5), 7)
        note = f"{rng.choice(_NOTES)}完成进度{percent}%。"
        rows.append(
            (next(ids), commitment_id, values.day(reported_on), status, percent, note, "", author, review, reviewer,
             reviewed_at, reason, created_at)
        )
    return rows


def _default_database_files():
    """Files that hold real data: the configured default database and the conventional local one."""
    files = {(Path(settings.DATA_DIR) / "db.sqlite3").resolve()}
    default = settings.DATABASES["default"]
    if default["ENGINE"] == "django.db.backends.sqlite3" and str(default["NAME"]) and ":memory:" not in str(default["NAME"]):
        files.add(Path(default["NAME"]).resolve())
    return files


def _is_demo_database(path):
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            return bool(db.execute("SELECT 1 FROM sqlite_master WHERE name = ?", [MARKER_TABLE]).fetchone())
    except sqlite3.DatabaseError:
        return False


def _open_sqlite(alias, path):
    # The file is thrown away if the build fails, so durability is not needed while it is written.
    config = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(path),
        "OPTIONS": {"init_command": "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144;"},
    }
    connections.settings[alias] = connections.configure_settings({"default": {}, alias: config})[alias]


def _close(alias):
    if alias in connections.settings:
        connections[alias].close()
        del connections[alias]
        del connections.settings[alias]


def _remove_sqlite_files(path):
    for suffix in ("", "-journal", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
