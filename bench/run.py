"""`make bench`: build (or reuse) a benchmark province in a dedicated database, run the scenarios, report.

Environment: DATABASE_URL (PostgreSQL; the database name gets a `_bench` suffix), BENCH_SCALE (cases, default
100000), BENCH_ONLY (comma-separated scenario names), BENCH_REBUILD=1 (drop and rebuild the data),
BENCH_ALLOW_SQLITE=1 (allow a SQLite run, for trying the harness only). See bench/README.md.
"""

import gc
import hashlib
import json
import os
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"
MARKER_TABLE = "bench_dataset"
DEFAULT_SCALE = 100_000


class BenchError(Exception):
    """A condition the user must fix; printed without a traceback."""


@dataclass(frozen=True)
class Target:
    url: str
    vendor: str  # "postgresql" or "sqlite"
    name: str  # database name, or the SQLite file path
    note: str = ""  # what was changed about DATABASE_URL, if anything


def bench_target(url: str | None, *, allow_sqlite: bool = False, var_dir: Path | None = None) -> Target:
    """The database to benchmark in: DATABASE_URL with `_bench` appended to its name unless already there."""
    import environ

    if not url:
        var_dir = var_dir or Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))
        url = f"sqlite:///{(var_dir / 'db.sqlite3').resolve()}"
    config = environ.Env.db_url_config(url)
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        if not allow_sqlite:
            raise BenchError(
                "bench: DATABASE_URL is SQLite (or unset). The budgets are measured on PostgreSQL:\n"
                "  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hoctap make bench\n"
                "Set BENCH_ALLOW_SQLITE=1 to run on SQLite anyway (numbers are not comparable)."
            )
        path = Path(config["NAME"])
        if str(path) in ("", ":memory:"):
            raise BenchError("bench: an in-memory SQLite database cannot be benchmarked")
        if path.stem.endswith("_bench"):
            return Target(url, "sqlite", str(path))
        bench_path = path.with_name(f"{path.stem}_bench{path.suffix}").resolve()
        return Target(
            f"sqlite:///{bench_path}",
            "sqlite",
            str(bench_path),
            note=f"bench: using SQLite file {bench_path} (not {path})",
        )
    if engine not in ("django.db.backends.postgresql", "django.contrib.gis.db.backends.postgis"):
        raise BenchError(f"bench: unsupported database engine {engine}")
    name = config["NAME"]
    if name.endswith("_bench"):
        return Target(url, "postgresql", name)
    parts = urlsplit(url)
    bench_name = f"{name}_bench"
    return Target(
        urlunsplit(parts._replace(path=f"/{bench_name}")),
        "postgresql",
        bench_name,
        note=f"bench: DATABASE_URL names database {name!r}; using {bench_name!r} so real data is untouched",
    )


# --- the bench database ------------------------------------------------------------------------------------


def _admin_connection(target: Target):
    import environ
    import psycopg

    config = environ.Env.db_url_config(target.url)
    return psycopg.connect(
        dbname="postgres",
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        autocommit=True,
    )


def ensure_database(target: Target, *, drop: bool = False) -> None:
    """Create the bench database if it is missing (after dropping it, when asked)."""
    if target.vendor == "sqlite":
        path = Path(target.name)
        if drop:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        return
    from psycopg import sql

    with _admin_connection(target) as admin:
        ident = sql.Identifier(target.name)
        if drop:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(ident))
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target.name]).fetchone()
        if not exists:
            print(f"bench: creating database {target.name}")
            admin.execute(sql.SQL("CREATE DATABASE {}").format(ident))


def migrations_fingerprint() -> str:
    """A digest of the project's migration files: bench data built on another schema is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted(BASE_DIR.glob("*/migrations/*.py")):
        digest.update(str(path.relative_to(BASE_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def read_marker() -> dict | None:
    from django.db import connection

    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT scale, fingerprint, seconds FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return {"scale": row[0], "fingerprint": row[1], "seconds": row[2]} if row else None


def write_marker(scale: int, fingerprint: str, seconds: float) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id integer PRIMARY KEY, scale integer NOT NULL, "
            "fingerprint varchar(64) NOT NULL, seconds double precision NOT NULL)"
        )
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(
            f"INSERT INTO {MARKER_TABLE} (id, scale, fingerprint, seconds) VALUES (1, %s, %s, %s)",
            [scale, fingerprint, seconds],
        )


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


# --- the run -----------------------------------------------------------------------------------------------


def selected_scenarios(only: str, available) -> list[str]:
    if not only.strip():
        return list(available)
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in available]
    if unknown:
        raise BenchError(
            f"bench: unknown scenario(s) {', '.join(unknown)}; available: {', '.join(available)}"
        )
    return names


def print_table(results: dict[str, dict]) -> None:
    rows = [(name, key, value) for name, metrics in results.items() for key, value in metrics.items()]
    width = max([len(r[0]) for r in rows] + [8])
    print(f"\n{'scenario':<{width}}  {'metric':<8}  {'value':>10}")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 10}")
    for name, key, value in rows:
        print(f"{name:<{width}}  {key:<8}  {value:>10}")


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # progress shows up in CI logs and pipes as it happens
    env = os.environ
    try:
        target = bench_target(env.get("DATABASE_URL"), allow_sqlite=env.get("BENCH_ALLOW_SQLITE") == "1")
        scale = int(env.get("BENCH_SCALE", DEFAULT_SCALE))
        if scale < 1:
            raise BenchError("bench: BENCH_SCALE must be a positive number of cases")
    except (BenchError, ValueError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if target.note:
        print(target.note)
    env["DATABASE_URL"] = target.url
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Notifications are queued on commit; an in-process broker takes them and nobody consumes them, so the
    # timings contain the enqueue (as with Redis in production) but neither the embedded broker's file writes
    # nor the notification work itself.
    env["CELERY_BROKER_URL"] = "memory://localhost/"
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    # pages are rendered by the test client: plain static URLs, no collectstatic manifest needed
    env.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

    import django

    # whitenoise warns that STATIC_ROOT does not exist (collectstatic was not run): irrelevant here
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.conf import settings
    from django.db import connections

    from bench import generate, scenarios

    settings.DEBUG = False
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    try:
        names = selected_scenarios(env.get("BENCH_ONLY", ""), scenarios.SCENARIOS)
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 2

    ensure_database(target, drop=env.get("BENCH_REBUILD") == "1")
    fingerprint = migrations_fingerprint()
    marker = read_marker()
    if marker and (marker["scale"] != scale or marker["fingerprint"] != fingerprint):
        why = "scale" if marker["scale"] != scale else "migrations"
        print(f"bench: existing data was built with another {why}; rebuilding {target.name}")
        connections.close_all()
        ensure_database(target, drop=True)
        marker = None
    elif marker is None and _has_data():
        print(f"bench: {target.name} holds data without a complete bench build; rebuilding it")
        connections.close_all()
        ensure_database(target, drop=True)
    migrate()

    if marker:
        world = generate.load_world()
        print(
            f"bench: reusing the {scale}-case province in {target.name} "
            f"(generated earlier in {marker['seconds']:.1f} s; BENCH_REBUILD=1 to rebuild)"
        )
    else:
        print(f"bench: generating a province of {scale} cases in {target.name} ...")
        t0 = time.perf_counter()
        world = generate.generate(scale)
        seconds = time.perf_counter() - t0
        write_marker(scale, fingerprint, seconds)
        print(f"bench: generated {scale} cases in {seconds:.1f} s")

    _report_load()
    # As the server does once started (config/wsgi.py): what was built so far, Django's start-up and the
    # world of units and users, stays out of the cyclic collector's full collections, which otherwise pause
    # a page every few dozen requests to re-scan it.
    gc.freeze()
    results: dict[str, dict] = {}
    for name in names:
        print(f"bench: {name} ...")
        results[name] = scenarios.SCENARIOS[name](world)
    print_table(results)
    _report_load()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    payload = {"scale": scale, "database": target.vendor, "scenarios": results}
    RESULTS.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"\nbench: results written to {RESULTS.relative_to(BASE_DIR)}")
    return 0


def _report_load() -> None:
    """Timings only mean something on an otherwise idle machine: say how busy it is."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        return
    cores = os.cpu_count() or 1
    busy = load > cores
    warning = "; other processes compete for the CPU, timings are pessimistic" if busy else ""
    print(f"bench: 1-minute load average {load:.2f} on {cores} cores (this run included){warning}")


def _has_data() -> bool:
    from django.db import connection

    from registry.models import AdministrativeUnit

    if AdministrativeUnit._meta.db_table not in connection.introspection.table_names():
        return False
    return AdministrativeUnit.objects.exists()


if __name__ == "__main__":
    sys.exit(main())
