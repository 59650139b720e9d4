"""Demo data in a PostgreSQL database named explicitly (``generate_demo_data --database-url``).

The same rows as the SQLite file (``generate``), for measuring the site at scale on the database it
is deployed on. The target must be named in full and is never the serving database: the command
refuses the default database's server and name, refuses a database that holds tables it did not
make (no ``tracker_demo_data`` marker; an empty one marks a build that did not finish), and replaces
its own only with ``--replace``. A database
that does not exist is created (the role needs CREATEDB); a failed build leaves it empty, so the
next run does not mistake it for someone else's.
"""

import dj_database_url
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from . import FIXTURE, MARKER_TABLE, MAX_COMMITMENTS, DemoDataError, _close, _mark_as_demo, generate

ALIAS = "demo_data_build"


def _is_serving_database(config):
    # Host names are not compared: "localhost", "127.0.0.1", a socket path or another name may all
    # reach the same server, so a database of the serving one's name and port is refused on any host.
    default = settings.DATABASES["default"]
    same_port = str(default.get("PORT") or 5432) == str(config.get("PORT") or 5432)
    return default["ENGINE"] == config["ENGINE"] and default.get("NAME") == config.get("NAME") and same_port


def _connect(alias, config):
    connections.settings[alias] = connections.configure_settings({"default": {}, alias: config})[alias]
    return connections[alias]


def _exists(config):
    maintenance = {**config, "NAME": "postgres"}
    try:
        with _connect("demo_data_maintenance", maintenance).cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]])
            if cursor.fetchone():
                return True
            cursor.execute(f"CREATE DATABASE {connections['demo_data_maintenance'].ops.quote_name(config['NAME'])}")
            return False
    finally:
        _close("demo_data_maintenance")


def _tables(cursor):
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    return {name for (name,) in cursor.fetchall()}


def _empty(cursor):
    cursor.execute("DROP SCHEMA public CASCADE")
    cursor.execute("CREATE SCHEMA public")


def build_postgres_database(*, url, commitments, seed, replace=False):
    """Fill the PostgreSQL database at ``url`` with demo data; return (url without password, row counts)."""
    if not 1 <= commitments <= MAX_COMMITMENTS:
        raise DemoDataError(f"--commitments 必须在 1 到 {MAX_COMMITMENTS} 之间，收到 {commitments}。")
    if not url.startswith(("postgres://", "postgresql://")):
        raise DemoDataError(f"--database-url 只接受 PostgreSQL 地址（postgres://…），收到 {url!r}；SQLite 文件请用 --database-path。")
    config = dj_database_url.parse(url)
    if not config.get("NAME"):
        raise DemoDataError("--database-url 必须写明数据库名，例如 postgres://tracker:tracker@127.0.0.1:5432/tracker_demo。")
    shown = f"postgres://{config.get('HOST') or 'localhost'}:{config.get('PORT') or 5432}/{config['NAME']}"
    if _is_serving_database(config):
        raise DemoDataError(f"拒绝写入默认数据库 {shown}：演示数据只能写入另一个数据库。")

    existed = _exists(config)
    try:
        with _connect(ALIAS, config).cursor() as cursor:
            tables = _tables(cursor)
            if existed and tables:
                if MARKER_TABLE not in tables:
                    raise DemoDataError(f"{shown} 已有数据表，但不是本命令生成的演示数据库，拒绝覆盖。")
                if not replace:
                    raise DemoDataError(f"{shown} 已是演示数据库；如要重新生成，请加 --replace。")
                _empty(cursor)
            # An empty marker first: a build killed half-way (a timeout's SIGKILL skips the clean-up
            # below) is still recognised as this command's, and --replace may rebuild it.
            cursor.execute(f"CREATE TABLE {MARKER_TABLE} (commitments INTEGER, seed INTEGER, version INTEGER, note TEXT)")
        try:
            call_command("migrate", database=ALIAS, verbosity=0, interactive=False)
            call_command("loaddata", FIXTURE, database=ALIAS, verbosity=0)
            counts = generate(using=ALIAS, commitments=commitments, seed=seed)
            with connections[ALIAS].cursor() as cursor:
                cursor.execute(f"DROP TABLE {MARKER_TABLE}")
            _mark_as_demo(ALIAS, commitments, seed)
        except BaseException:
            with connections[ALIAS].cursor() as cursor:
                _empty(cursor)
            raise
    finally:
        _close(ALIAS)
    return shown, counts
