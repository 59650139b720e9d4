"""Build a separate SQLite database of demonstration data at realistic scale, for the benchmark.

The real 2020 conference is loaded first, so generated commitments link to its real key tasks; on top
of it come fictional organizations (every name ends in "（演示）"), their officials, monthly demo
sources from 2021 to 2025, N commitments whose quotes recombine phrases of the real quotes, and
about ten progress updates each in every review state. Serve it with TRACKER_DEMO_DATA=1 so that every
page says it is demonstration data.

Rows are written with executemany in large batches and explicit ids (the ORM would spend most of
a minute building model instances); the cached progress is then derived by services.refresh_progress,
the same set-based UPDATE the site uses. The file is built under a temporary name and renamed at the
end, so a database at the final path is always complete.
"""

import datetime
import math
import random
import re
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connections, transaction

from policies.cache import bump_data_version
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
from policies import search
from policies.services import refresh_progress

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
        self.next = (last or 0) + 1

    def take(self):
        value = self.next
        self.next += 1
        return value


def _insert(cursor, model, fields, rows):
    table = model._meta.db_table
    columns = [model._meta.get_field(name).column for name in fields]
    quote = cursor.db.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    for start in range(0, len(rows), BATCH):
        cursor.executemany(sql, rows[start : start + BATCH])


def generate(*, using, commitments, seed):
    """Add ``commitments`` demo commitments with their sources, statements, links and updates to the
    database ``using``, which must already hold the real conference. Returns a dict of row counts."""
    rng = random.Random(seed)
    connection = connections[using]
    ops = connection.ops
    dates = {}

    def day(value):
        if value not in dates:
            dates[value] = ops.adapt_datefield_value(value)
        return dates[value]

    stamps = {}

    def stamp(value, hour):
        key = (value, hour)
        if key not in stamps:
            moment = datetime.datetime.combine(value, datetime.time(hour), tzinfo=datetime.timezone.utc)
            stamps[key] = ops.adapt_datetimefield_value(moment)
        return stamps[key]

    conference = Conference.objects.using(using).get(city="重庆", held_on=datetime.date(2020, 12, 29))
    phrases = phrases_from_real_quotes(using)
    if not phrases:
        raise CommandError("找不到真实会议的承诺原文：请先载入会议数据（load_conference）。")
    counts = {}

    with transaction.atomic(using=using), connection.cursor() as cursor:
        # Organizations and officials.
        org_ids = _Ids(using, Organization)
        orgs = [(org_ids.take(), name, kind) for name, kind in fictional_organizations()]
        _insert(cursor, Organization, ["id", "name", "kind"], orgs)

        statement_sizes = []
        remaining = commitments
        while remaining > 0:
            size = min(remaining, rng.randint(3, 7))
            statement_sizes.append(size)
            remaining -= size
        # About 15 statements per source, as on the real page (13): long enough to read, short enough
        # that a listing which loads its source stays realistic.
        n_sources = max(60, math.ceil(len(statement_sizes) / 15))
        per_org = 2  # a leader and a deputy; each source quotes about 15 of the 420 officials
        official_ids = _Ids(using, Official)
        officials = []  # (id, name, title, org_id, org_name)
        for org_id, org_name, kind in orgs:
            surnames = rng.sample(_SURNAMES, per_org)
            for i, surname in enumerate(surnames):
                title = _TITLES[kind][i % 2]
                officials.append((official_ids.take(), f"{surname}某某", title, org_id, org_name))
        _insert(cursor, Official, ["id", "name", "title", "organization"], [o[:4] for o in officials])

        # Users who report and review, with passwords that can never be used to sign in.
        user_model = get_user_model()
        user_ids = _Ids(using, user_model)
        joined = stamp(FIRST_DAY, 1)
        users = [
            (user_ids.take(), f"demo-{role}-{i}", "!demo-account-cannot-sign-in", False, False, True, joined, "", "", "")
            for role, n in (("reporter", 6), ("reviewer", 2))
            for i in range(1, n + 1)
        ]
        _insert(
            cursor,
            user_model,
            ["id", "username", "password", "is_superuser", "is_staff", "is_active", "date_joined", "first_name", "last_name", "email"],
            users,
        )
        reporters = [u[0] for u in users[:6]]
        reviewers = [u[0] for u in users[6:]]

        # Monthly sources; each statement becomes one paragraph of its source's text.
        # Spread evenly over the 60 months of 2021-2025: (year, month, issue number within the month).
        months, issues = [], {}
        for s in range(n_sources):
            m = s * 60 // n_sources
            year, month = 2021 + m // 12, m % 12 + 1
            issues[(year, month)] = issues.get((year, month), 0) + 1
            months.append((year, month, issues[(year, month)]))
        # Statements spread evenly over the sources; within a source each official speaks once.
        per_source = [0] * n_sources
        for i in range(len(statement_sizes)):
            per_source[i * n_sources // len(statement_sizes)] += 1
        officials_by_source = {s: sorted(rng.sample(range(len(officials)), k)) for s, k in enumerate(per_source)}

        source_ids = _Ids(using, Source)
        statement_ids = _Ids(using, Statement)
        commitment_ids = _Ids(using, Commitment)
        update_ids = _Ids(using, ProgressUpdate)
        link_ids = _Ids(using, TaskLink)
        sources, statements, commitment_rows, links, updates = [], [], [], [], []
        header = "演示数据：本页为程序生成的演示报道，并非真实新闻，其中的单位、人物、表态与承诺均为虚构。"
        size_iter = iter(statement_sizes)
        today = min(LAST_DAY, datetime.date.today())

        for s, (year, month, issue) in enumerate(months):
            published_on = datetime.date(year, month, 1 + (issue - 1) % 28)
            source_id = source_ids.take()
            paragraphs, offset = [header], len(header)
            for o in officials_by_source.get(s, ()):
                official_id, official_name, title, org_id, org_name = officials[o]
                prefix = f"{org_name}{title}{official_name}表示，"
                quotes = []
                for _ in range(next(size_iter)):
                    picked = rng.sample(phrases, rng.randint(2, 3))
                    quotes.append((picked, "，".join(p for p, _ in picked)))
                text = "".join(q + "。" for _, q in quotes)
                statement_id = statement_ids.take()
                start = offset + len(prefix)
                statements.append((statement_id, source_id, official_id, text, start, start + len(text)))
                position = start
                for number, (picked, quote) in enumerate(quotes, 1):
                    commitment_id = commitment_ids.take()
                    due = datetime.date(rng.randint(year, min(year + 2, 2025)), 12, 31)
                    mid_year = datetime.date(due.year, 6, 30)
                    if rng.random() < 0.3 and mid_year > published_on + datetime.timedelta(days=60):
                        due = mid_year
                    commitment_rows.append(
                        (commitment_id, statement_id, org_id, number, quote, picked[0][0][:200], day(due),
                         "演示数据：完成时限为程序随机生成。", position, position + len(quote), "not_started", 0, None)
                    )
                    position += len(quote) + 1
                    for task_id in sorted({t for _, tasks in picked[:1] for t in tasks} | {rng.choice(picked[-1][1])}):
                        links.append((link_ids.take(), commitment_id, task_id, "curated", None))
                    updates.extend(
                        _updates_for(rng, update_ids, commitment_id, published_on, due, today, reporters, reviewers, day, stamp)
                    )
                paragraphs.append(prefix + text)
                offset += len(prefix) + len(text)
            sources.append(
                (source_id, conference.pk, f"demo-{year}-{month:02d}-{issue:03d}", "演示日报（程序生成）", day(published_on),
                 [f"演示数据：各单位承诺汇编（{year}年{month}月第{issue}期，程序生成，非真实报道）"], "\n\n".join(paragraphs))
            )

        # JSONField values go through the field so that each backend gets its own representation.
        titles_field = Source._meta.get_field("titles")
        sources = [row[:5] + (titles_field.get_db_prep_save(row[5], connection),) + row[6:] for row in sources]
        _insert(cursor, Source, ["id", "conference", "slug", "publisher", "published_on", "titles", "text"], sources)
        _insert(cursor, Statement, ["id", "source", "official", "text", "span_start", "span_end"], statements)
        _insert(
            cursor,
            Commitment,
            ["id", "statement", "organization", "number", "quote", "summary", "due_date", "due_basis",
             "span_start", "span_end", "status", "percent", "last_update_on"],
            commitment_rows,
        )
        _insert(cursor, TaskLink, ["id", "commitment", "task", "origin", "score"], links)
        _insert(
            cursor,
            ProgressUpdate,
            ["id", "commitment", "reported_on", "status", "percent", "note", "evidence_url", "author",
             "review_state", "reviewed_by", "reviewed_at", "review_reason", "created_at"],
            updates,
        )
        # PostgreSQL's sequences do not see explicit ids.
        for sql in ops.sequence_reset_sql(no_style(), [Organization, Official, user_model, Source, Statement, Commitment, TaskLink, ProgressUpdate]):
            cursor.execute(sql)

        # refresh_progress is atomic on the default database; here the transaction is the demo database's.
        refresh_progress.__wrapped__(commitments=Commitment.objects.using(using))
        # Rows were written around the ORM's signals: derive the search documents in one pass.
        search.rebuild_index(using=using)

    bump_data_version(using=using)
    counts.update(
        organizations=len(orgs), officials=len(officials), sources=len(sources), statements=len(statements),
        commitments=len(commitment_rows), links=len(links), updates=len(updates),
    )
    return counts


def _updates_for(rng, ids, commitment_id, published_on, due, today, reporters, reviewers, day, stamp):
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
        status = "in_progress"
        if reported_on > due and percent < 80:
            status = "behind"
        if final and outcome < 0.45:
            status, percent = "completed", 100
        elif final and outcome < 0.52:
            status = "not_kept"
        roll = rng.random()
        author = rng.choice(reporters)
        created_at = stamp(reported_on + datetime.timedelta(days=rng.randint(0, 3)), 2)
        if final and roll < 0.25:
            review, reviewer, reviewed_at, reason = "submitted", None, None, ""
        elif roll < 0.08:
            review, reason = "rejected", rng.choice(_REJECTION_REASONS)
            reviewer, reviewed_at = rng.choice(reviewers), stamp(reported_on + datetime.timedelta(days=5), 7)
        else:
            review, reviewer, reason = "approved", rng.choice(reviewers), ""
            reviewed_at = stamp(reported_on + datetime.timedelta(days=5), 7)
        note = f"{rng.choice(_NOTES)}完成进度{percent}%。"
        rows.append(
            (ids.take(), commitment_id, day(reported_on), status, percent, note, "", author, review, reviewer,
             reviewed_at, reason, created_at)
        )
    return rows


class Command(BaseCommand):
    help = "生成演示数据库（独立的 SQLite 文件，绝不写入默认数据库），供性能基准测试使用。"

    def add_arguments(self, parser):
        parser.add_argument("--commitments", type=int, default=100_000, help="生成的演示承诺数，默认 100000。")
        parser.add_argument("--seed", type=int, default=2021, help="随机种子：相同种子生成相同数据。")
        parser.add_argument("--database-path", help="演示数据库文件路径，默认 var/demo-<N>.sqlite3。")
        parser.add_argument("--replace", action="store_true", help="目标文件已是演示数据库时，重新生成并替换它。")

    def handle(self, *args, commitments, seed, database_path, replace, **options):
        if not 1 <= commitments <= MAX_COMMITMENTS:
            raise CommandError(f"--commitments 必须在 1 到 {MAX_COMMITMENTS} 之间，收到 {commitments}。")
        path = Path(database_path or settings.DATA_DIR / f"demo-{commitments}.sqlite3").resolve()
        if path in _default_database_files():
            raise CommandError(f"拒绝写入默认数据库 {path}：演示数据只能写入单独的文件，请用 --database-path 指定另一个路径。")
        if path.exists():
            if not replace:
                raise CommandError(f"{path} 已存在；如要重新生成，请加 --replace。")
            if not _is_demo_database(path):
                raise CommandError(f"{path} 不是本命令生成的演示数据库，拒绝覆盖。")
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(path.name + ".partial")
        _remove_sqlite_files(temporary)

        alias = "demo_data_build"
        started = time.monotonic()
        _open_sqlite(alias, temporary)
        try:
            call_command("migrate", database=alias, verbosity=0, interactive=False)
            call_command("loaddata", FIXTURE, database=alias, verbosity=0)
            counts = generate(using=alias, commitments=commitments, seed=seed)
            with connections[alias].cursor() as cursor:
                cursor.execute(
                    f"CREATE TABLE {MARKER_TABLE} (commitments INTEGER, seed INTEGER, version INTEGER, note TEXT)"
                )
                cursor.execute(
                    f"INSERT INTO {MARKER_TABLE} VALUES (%s, %s, %s, %s)",
                    [commitments, seed, GENERATOR_VERSION, "generate_demo_data：演示数据，并非真实承诺与进展"],
                )
                cursor.execute("ANALYZE")
        except BaseException:
            _close(alias)
            _remove_sqlite_files(temporary)
            raise
        _close(alias)
        _remove_sqlite_files(path)
        temporary.rename(path)
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"演示数据库已生成：{path}（{elapsed:.0f} 秒）\n"
            + "，".join(f"{name} {value}" for name, value in counts.items())
            + f"\n以演示模式访问：TRACKER_DEMO_DATA=1 DATABASE_URL=sqlite:///{path} python manage.py runserver"
        )


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
