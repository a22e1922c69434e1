"""Web load: gunicorn on loopback over PostgreSQL, many clients over the read pages.

The issue's goal: gunicorn on loopback over PostgreSQL holding 10,000 projects, 100,000
evaluations and about 1.2 million indicator rows; 20 concurrent clients for 60 s over the
evaluation page, the list pages and the summaries. **p95 < 300 ms and no errors.**

What the script does, all of it bounded in time and on 127.0.0.1 only:

1. Starts its own PostgreSQL 15 with ``.ci/postgres.sh start DIR`` (stopped in a ``finally``),
   migrates, then generates the data with ``bulk_create`` in batches: a region tree, about 300
   organisations, users with memberships, special funds, projects with budget lines and
   evaluations. Each evaluation's ``document`` is shaped like
   ``examples/seeds/004-zhuzhou-warm-enterprise.yaml``, with budget and actuals varied by a
   seeded ``random.Random``. Scoring every document through the services would take minutes, so
   a pool of variants (``--variants``) is scored with ``services.score_case``. Every
   evaluation reuses the indicators and figures of one variant of its year and kind, and carries
   its own meta. A sample is re-scored with ``services.report_for`` afterwards as a check.
2. Collects the static files into a temporary ``JIXIAO_VAR_DIR`` and starts gunicorn
   (``DEBUG=0``, a generated ``SECRET_KEY``, plain HTTP). It logs the personas in (one POST
   each, never retried: 5 failures lock an account) and probes every list and summary route
   that exists. Then ``--clients`` threads, using ``http.client`` with keep-alive, cycle over
   those pages for exactly ``--seconds``.
3. Prints count, p50/p95/p99/max per kind of page and overall, requests/s, errors and the CPU
   split. When the goal is missed (or with ``--profile``), it measures each page one request
   at a time with the Django test client against the same database. That shows the query
   count, the SQL time, a cProfile of the slowest page and the plan of its slowest query.

``--keep DIR`` keeps the PostgreSQL cluster (and its data) in DIR between runs, so iterating
costs seconds instead of minutes. The database is recreated when the parameters differ or when
a migration it has applied was edited since (new migrations are simply applied).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import ctypes
import hashlib
import http.client
import io
import json
import logging
import math
import os
import platform
import pstats
import random
import re
import resource
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
POSTGRES_SH = REPO / ".ci" / "postgres.sh"
SEED_FILE = REPO / "examples" / "seeds" / "004-zhuzhou-warm-enterprise.yaml"
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_OPTIONS = (
    "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
)

GOAL_P95_MS = 300.0
QUIET_CORES = 0.25  # background CPU tolerated before the load window starts
DEFAULT_EVALUATIONS = 100_000
DEFAULT_PROJECTS = 10_000
QUICK_EVALUATIONS = 2_000
QUICK_SECONDS = 10
PASSWORD = "jixiao-bench-only"  # throw-away database on loopback
PAGE_SIZE = 50  # evaluations/views.py and funds/views.py
YEARS = (2019, 2020, 2021, 2022, 2023)
KINDS = (("自评", 0.70), ("部门评价", 0.15), ("财政评价", 0.10), ("第三方评价", 0.05))
STATUSES = (
    ("draft", 0.25),
    ("submitted", 0.20),
    ("returned", 0.05),
    ("approved", 0.25),
    ("published", 0.25),
)
ZERO = Decimal(0)

# Region tree: 3 provinces × 4 cities × 4 counties (63 regions).
PROVINCES = {
    "湖南省": ("长沙市", "株洲市", "湘潭市", "衡阳市"),
    "浙江省": ("杭州市", "宁波市", "嘉兴市", "湖州市"),
    "四川省": ("成都市", "绵阳市", "德阳市", "宜宾市"),
}
COUNTIES = ("东城区", "西湖区", "南山县", "北川县")
# 主管部门 per level (province 3, city 2, county 1); each gets two 项目单位 under it.
DEPARTMENTS = ("经济和信息化局", "科学技术局", "商务局")
UNITS = ("中小企业发展服务中心", "产业发展促进中心")
TOPICS = (
    "中小企业公共服务平台",
    "专精特新培育",
    "企业技术改造",
    "融资担保风险补偿",
    "温暖企业行动",
    "产业集群发展",
    "数字化转型",
    "创业创新基地",
)
FUND_NAMES = ("经济信息产业发展专项资金", "中小企业发展专项资金")

QUALITATIVE_ACTUALS = ("完成", "基本完成", "已建立", "营造了公平、透明的发展环境")


class SetupError(Exception):
    """Setup failed or ran out of time; the message says which."""


class Deadline:
    """The setup budget: every stage checks it, generation checks it after each batch."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.start = time.monotonic()

    @property
    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.start)

    def check(self, stage: str) -> None:
        if self.remaining <= 0:
            raise SetupError(
                f"setup exceeded --max-setup-seconds={self.seconds:.0f} during {stage};"
                " aborting (try fewer --evaluations, or --keep DIR to reuse data)"
            )


def log(message: str) -> None:
    print(message, flush=True)


# Processes --------------------------------------------------------------------------------------


def become_subreaper() -> None:
    """pg_ctl daemonizes the server; make it our child so its zombie is reaped (see .ci/run)."""
    if sys.platform != "linux":
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def reap_children(seconds: float = 3.0) -> None:
    """Reap exited children (the daemonized postmaster); gunicorn was waited for already."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.1)


def as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as `postgres`, like postgres.sh does."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) != 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def proc_cpu_seconds(pid: int, reaped: bool = False) -> float:
    """utime + stime of one process (0 when it is gone); with ``reaped``, also the CPU of the
    children it has waited for (cutime + cstime)."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int | None) -> float:
    """CPU of a process, its live children and the children it reaped: PostgreSQL backends come
    and go (CONN_MAX_AGE=60), their time moves to the postmaster's cutime when they exit."""
    if not pid:
        return 0.0
    total = proc_cpu_seconds(pid, reaped=True)
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            total += proc_cpu_seconds(int(child))
    return total


def machine_cpu_seconds() -> tuple[float, float, float]:
    """(busy, steal, total) CPU seconds of the whole machine, from /proc/stat (guest time is
    already inside user time, so it is not added again)."""
    try:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except OSError:
        return 0.0, 0.0, 0.0
    values += [0] * (8 - len(values))
    user, nice, system, idle, iowait, irq, softirq, steal = values
    tick = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq
    return busy / tick, steal / tick, (busy + idle + iowait + steal) / tick


def background_cores(seconds: float = 2.0) -> float:
    """How many cores the machine keeps busy over ``seconds`` (this benchmark idle meanwhile)."""
    busy0, _, total0 = machine_cpu_seconds()
    time.sleep(seconds)
    busy1, _, total1 = machine_cpu_seconds()
    cores = os.cpu_count() or 1
    return (busy1 - busy0) / (total1 - total0) * cores if total1 > total0 else 0.0


def wait_for_quiet(max_seconds: float, threshold: float) -> tuple[float, float]:
    """Wait (bounded) until other processes use less than ``threshold`` cores: the machine may
    be shared (test suites, browsers). Returns (cores busy at the last look, seconds waited)."""
    began = time.monotonic()
    busy = background_cores()
    while busy > threshold and time.monotonic() - began < max_seconds:
        busy = background_cores()
    return busy, time.monotonic() - began


# PostgreSQL -------------------------------------------------------------------------------------


class Postgres:
    """A throw-away cluster from .ci/postgres.sh; with ``keep`` it survives in its directory."""

    def __init__(self, directory: Path, keep: bool) -> None:
        self.directory = directory
        self.keep = keep
        self.url = ""
        self.reused = False

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def postmaster_pid(self) -> int | None:
        try:
            return int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def start(self, deadline: Deadline) -> str:
        env_file = self.directory / "env"
        if self.keep and env_file.is_file() and self.data.is_dir():
            self.url = self._restart(env_file, deadline)
            self.reused = True
        else:
            if self.directory.exists() and any(self.directory.iterdir()):
                raise SetupError(f"{self.directory} is not empty and holds no bench cluster")
            self.directory.mkdir(parents=True, exist_ok=True)
            done = subprocess.run(
                ["bash", str(POSTGRES_SH), "start", str(self.directory)],
                capture_output=True,
                text=True,
                timeout=max(10.0, deadline.remaining),
                check=False,
            )
            if done.returncode != 0:
                raise SetupError(f".ci/postgres.sh start failed:\n{done.stderr.strip()}")
            match = re.search(r"TEST_DATABASE_URL=(\S+)", done.stdout)
            if not match:
                raise SetupError(f".ci/postgres.sh printed no URL: {done.stdout!r}")
            self.url = match.group(1)
        return self.url

    def _restart(self, env_file: Path, deadline: Deadline) -> str:
        url = env_file.read_text().strip().split("=", 1)[1]
        pg_ctl = str(PG_BIN / "pg_ctl")
        status = subprocess.run(
            as_owner([pg_ctl, "-D", str(self.data), "status"]),
            capture_output=True,
            cwd="/",
            check=False,
        )
        if status.returncode == 0:
            return url  # still running from an interrupted run
        parts = urllib.parse.urlsplit(url)
        port = parts.port or 55432
        while not port_free(port):
            port += 1
        command = as_owner(
            [
                pg_ctl,
                "-D",
                str(self.data),
                "-l",
                str(self.directory / "postgres.log"),
                "-w",
                "-t",
                "60",
                "-o",
                f"-p {port} -k {self.directory / 'sock'} {PG_OPTIONS}",
                "start",
            ]
        )
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            cwd="/",
            timeout=max(10.0, deadline.remaining),
            check=False,
        )
        if done.returncode != 0:
            raise SetupError(f"pg_ctl start failed in {self.directory}:\n{done.stderr}")
        netloc = f"{parts.username}:{parts.password}@127.0.0.1:{port}"
        url = urllib.parse.urlunsplit(parts._replace(netloc=netloc))
        env_file.write_text(f"export TEST_DATABASE_URL={url}\n")
        (self.directory / "port").write_text(f"{port}\n")
        return url

    def stop(self) -> None:
        if self.keep:
            if (self.data / "postmaster.pid").exists():
                pg_ctl = str(PG_BIN / "pg_ctl")
                subprocess.run(
                    as_owner(
                        [pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "-t", "30", "stop"]
                    ),
                    capture_output=True,
                    cwd="/",
                    timeout=60,
                    check=False,
                )
        else:
            subprocess.run(
                ["bash", str(POSTGRES_SH), "stop", str(self.directory)],
                capture_output=True,
                timeout=90,
                check=False,
            )
        reap_children()


# Django -----------------------------------------------------------------------------------------


def django_environment(url: str, var_dir: Path) -> dict[str, str]:
    """What settings.py reads: production settings, but plain HTTP on loopback."""
    return {
        "DJANGO_SETTINGS_MODULE": "jixiao.web.settings",
        "DATABASE_URL": url,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SECURE_HSTS_SECONDS": "0",
        "JIXIAO_VAR_DIR": str(var_dir),
    }


def setup_django(environment: dict[str, str]) -> None:
    os.environ.update(environment)
    import django

    django.setup()


# Data generation --------------------------------------------------------------------------------


@dataclass
class Variant:
    """One scored document: reused by every evaluation of its year and kind that picks it."""

    document: dict[str, Any]
    figures: dict[str, Any]


PERSONAS = {
    "bench_province_reviewer": "审核人 · 湖南省财政局 (province: sees the whole province)",
    "bench_city_reviewer": "审核人 · 株洲市财政局 (city: sees the city and its counties)",
    "bench_dept_editor": "填报人 · 株洲市经济和信息化局 (a department and its two units)",
    "bench_county_editor": "填报人 · 株洲市东城区经济和信息化局 (a county department)",
}


def weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


def template_document() -> dict[str, Any]:
    from jixiao.io.cases import plain, read_document

    document: dict[str, Any] = plain(read_document(SEED_FILE))
    return document


def leaves(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in nodes:
        if node.get("children"):
            yield from leaves(node["children"])
        else:
            yield node


def count_nodes(nodes: list[dict[str, Any]]) -> int:
    return sum(1 + count_nodes(node.get("children", [])) for node in nodes)


NUMBER = re.compile(r"\d+(?:\.\d+)?")


def perturb(text: str, rng: random.Random) -> str:
    """The same notation with another number: '》3000万' → '》1870万', '99.49%' → '96.12%'."""
    match = NUMBER.search(text)
    if not match:
        return text
    raw = match.group()
    value = Decimal(raw)
    percent = text[match.end() : match.end() + 1] == "%"
    factor = Decimal(str(round(rng.uniform(0.93, 1.01) if percent else rng.uniform(0.3, 3.0), 3)))
    new = value * factor
    if percent:
        new = min(new, Decimal(100))
    places = len(raw.split(".")[1]) if "." in raw else 0
    new = new.quantize(Decimal(1).scaleb(-places))
    return f"{text[: match.start()]}{new:f}{text[match.end() :]}"


def grade_of(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


def make_variant(template: dict[str, Any], year: int, kind: str, rng: random.Random) -> Any:
    """A copy of the seed with its own budget, actuals and published scores (decimal strings)."""
    document = json.loads(json.dumps(template, ensure_ascii=False))
    full_year = Decimal(rng.randint(200, 50_000)) / 10
    executed = (full_year * Decimal(str(round(rng.uniform(0.5, 1.0), 4)))).quantize(Decimal("0.1"))
    rate = executed / full_year * 100
    document["budget"] = {
        "initial": f"{full_year:f}",
        "full_year": f"{full_year:f}",
        "executed": f"{executed:f}",
        "sources": {"当年财政拨款": f"{full_year:f}", "上年结转资金": "0", "其他资金": "0"},
        "published_rate": f"{rate.quantize(Decimal('0.01')):f}",
    }
    total = ZERO
    for leaf in leaves(document["indicators"]):
        weight = Decimal(str(leaf["weight"]))
        method = leaf.get("method")
        if method == "execution":
            score = (rate / 100 * weight).quantize(Decimal("0.01"))
        elif method == "qualitative":
            leaf["actual"] = rng.choice((leaf.get("actual", "完成"), *QUALITATIVE_ACTUALS))
            score = max(ZERO, weight - rng.choice((0, 0, 0, 1, 2)))
        else:
            if "actual" in leaf:
                leaf["actual"] = perturb(str(leaf["actual"]), rng)
            score = weight if rng.random() < 0.85 else max(ZERO, weight - 1)
        leaf["published_score"] = f"{score:f}"
        total += score
    document["published"] = {"total": f"{total:f}", "grade": grade_of(total)}
    document["meta"] = {**document["meta"], "year": year, "kind": kind}
    return document


def figures_of(report: Any) -> dict[str, Any]:
    """What services._store_figures keeps from a report (mirrored here: it is private)."""
    from jixiao.core.audit import Severity

    return {
        "computed_total": report.computed_total,
        "computed_grade": report.computed_grade or "",
        "published_total": report.published_total,
        "published_grade": report.published_grade or "",
        "error_count": sum(f.severity is Severity.ERROR for f in report.findings),
        "warning_count": sum(f.severity is Severity.WARNING for f in report.findings),
        "rules": report.rules,
    }


def score_variants(
    count: int, seed: int, deadline: Deadline
) -> dict[tuple[int, str], list[Variant]]:
    """``count`` variants spread over every (year, kind), each scored by the services."""
    from jixiao.io.cases import from_document
    from jixiao.web.evaluations.services import score_case

    template = template_document()
    rng = random.Random(seed)
    combos = [(year, kind) for year in YEARS for kind, _ in KINDS]
    per_combo = max(1, count // len(combos))
    pool: dict[tuple[int, str], list[Variant]] = {}
    for year, kind in combos:
        deadline.check("scoring variants")
        variants = []
        for _ in range(per_combo):
            document = make_variant(template, year, kind, rng)
            report = score_case(from_document(document, "bench variant"), "bench variant")
            variants.append(Variant(document, figures_of(report)))
        pool[(year, kind)] = variants
    return pool


@dataclass
class Generated:
    counts: dict[str, int]
    seconds: float
    notes: list[str]


def bulk(model: Any, objects: list[Any], batch: int, deadline: Deadline, stage: str) -> list[Any]:
    created = []
    for start in range(0, len(objects), batch):
        deadline.check(stage)
        created.extend(model.objects.bulk_create(objects[start : start + batch]))
    return created


def set_paths(model: Any, objects: list[Any], parents: dict[int, str]) -> None:
    """The materialised paths Region.save/Organisation.save would write, for bulk-created rows."""
    for obj in objects:
        obj.path = f"{parents[obj.parent_id] if obj.parent_id else '/'}{obj.pk}/"
    model.objects.bulk_update(objects, ["path"], batch_size=1000)


def funds_project_model() -> Any | None:
    from django.apps import apps

    if not apps.is_installed("jixiao.web.funds"):
        return None
    try:
        from jixiao.web.funds.models import Project
    except ImportError:
        return None
    return Project


def generate(args: argparse.Namespace, deadline: Deadline) -> Generated:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.orgs.models import Membership, Organisation, Region

    started = time.perf_counter()
    notes: list[str] = []
    rng = random.Random(args.seed)
    batch = args.batch
    kind_ = Organisation.Kind

    # Regions, level by level (paths need the pks).
    provinces = bulk(
        Region,
        [Region(name=name, level=1) for name in PROVINCES],
        batch,
        deadline,
        "regions",
    )
    set_paths(Region, provinces, {})
    cities = bulk(
        Region,
        [
            Region(name=city, level=2, parent=province)
            for province in provinces
            for city in PROVINCES[province.name]
        ],
        batch,
        deadline,
        "regions",
    )
    set_paths(Region, cities, {p.pk: p.path for p in provinces})
    counties = bulk(
        Region,
        [Region(name=county, level=3, parent=city) for city in cities for county in COUNTIES],
        batch,
        deadline,
        "regions",
    )
    set_paths(Region, counties, {c.pk: c.path for c in cities})
    regions = [*provinces, *cities, *counties]

    # Organisations: a 财政局 per region, 3/2/1 主管部门 per province/city/county, 2 units each.
    tops = []
    for region in regions:
        tops.append(
            Organisation(name=f"{region.name}财政局", kind=kind_.FINANCE_BUREAU, region=region)
        )
        for department in DEPARTMENTS[: 4 - region.level]:
            tops.append(
                Organisation(
                    name=f"{region.name}{department}", kind=kind_.DEPARTMENT, region=region
                )
            )
    tops = bulk(Organisation, tops, batch, deadline, "organisations")
    set_paths(Organisation, tops, {})
    departments = [o for o in tops if o.kind == kind_.DEPARTMENT]
    units = bulk(
        Organisation,
        [
            Organisation(
                name=f"{dept.name.removesuffix('局')}{unit}",
                kind=kind_.PROJECT_UNIT,
                region=dept.region,
                parent=dept,
            )
            for dept in departments
            for unit in UNITS
        ],
        batch,
        deadline,
        "organisations",
    )
    set_paths(Organisation, units, {d.pk: d.path for d in departments})
    organisations = [*tops, *units]
    by_name = {(o.region.name, o.region.parent_id, o.name): o for o in organisations}
    owners = [*departments, *units]

    # Users: the personas, plus one editor per department/unit and one reviewer per 财政局.
    user_model = get_user_model()
    password = make_password(PASSWORD)  # hashed once: every bench user shares it
    hunan = next(p for p in provinces if p.name == "湖南省")
    zhuzhou = next(c for c in cities if c.name == "株洲市" and c.parent_id == hunan.pk)
    persona_orgs = {
        "bench_province_reviewer": (by_name[("湖南省", None, "湖南省财政局")], "reviewer"),
        "bench_city_reviewer": (by_name[("株洲市", hunan.pk, "株洲市财政局")], "reviewer"),
        "bench_dept_editor": (by_name[("株洲市", hunan.pk, "株洲市经济和信息化局")], "editor"),
        "bench_county_editor": (
            by_name[("东城区", zhuzhou.pk, "东城区经济和信息化局")],
            "editor",
        ),
    }
    user_rows: list[tuple[str, Organisation, str]] = [
        (name, org, role) for name, (org, role) in persona_orgs.items()
    ]
    for org in organisations:
        role = "reviewer" if org.kind == kind_.FINANCE_BUREAU else "editor"
        user_rows.append((f"bench_{role}_{org.pk}", org, role))
    users = bulk(
        user_model,
        [
            user_model(username=name, password=password, first_name=f"{org.name}{role}")
            for name, org, role in user_rows
        ],
        batch,
        deadline,
        "users",
    )
    bulk(
        Membership,
        [
            Membership(user=user, organisation=org, role=role)
            for user, (_, org, role) in zip(users, user_rows, strict=True)
        ],
        batch,
        deadline,
        "memberships",
    )

    # Projects (when funds.Project exists): owned by units and departments, 5 years.
    project_model = funds_project_model()
    projects: list[Any] = []
    if project_model is not None and args.projects > 0:
        from jixiao.web.funds.models import BudgetLine, SpecialFund

        funds = bulk(
            SpecialFund,
            [SpecialFund(name=name, owner=dept) for dept in departments for name in FUND_NAMES],
            batch,
            deadline,
            "special funds",
        )
        funds_of: dict[int, list[Any]] = {}
        for fund in funds:
            funds_of.setdefault(fund.owner_id, []).append(fund)
        rows = []
        for number in range(args.projects):
            owner = owners[number % len(owners)]
            department = owner if owner.kind == kind_.DEPARTMENT else owner.parent
            is_policy = rng.random() < 0.1
            rows.append(
                project_model(
                    fund=rng.choice(funds_of[department.pk]),
                    owner=owner,
                    name=f"{rng.choice(TOPICS)}{'政策' if is_policy else '项目'}{number:05d}",
                    year=YEARS[number % len(YEARS)],
                    kind="policy" if is_policy else "project",
                    sequence=number // len(owners) + 1,
                )
            )
        projects = bulk(project_model, rows, batch, deadline, "projects")
        level = {1: "province", 2: "city", 3: "county"}
        lines = []
        for project in projects:
            full_year = Decimal(rng.randint(200, 50_000)) / 10
            executed = (full_year * Decimal(str(round(rng.uniform(0.5, 1.0), 4)))).quantize(
                Decimal("0.1")
            )
            lines.append(
                BudgetLine(
                    project=project,
                    source="current",
                    level=level[project.owner.region.level],
                    initial_budget=full_year,
                    full_year_budget=full_year,
                    executed=executed,
                )
            )
            if rng.random() < 0.4:
                carry = Decimal(rng.randint(10, 5_000)) / 10
                lines.append(
                    BudgetLine(
                        project=project,
                        source="carryover",
                        full_year_budget=carry,
                        executed=carry if rng.random() < 0.7 else None,
                    )
                )
        bulk(BudgetLine, lines, batch, deadline, "budget lines")
        notes.append(
            f"funds.Project exists: {len(projects):,} projects with {len(lines):,} budget lines"
            f" in {len(funds):,} special funds; evaluations linked to them (fund_project)"
        )
    else:
        notes.append("funds.Project not installed: projects skipped, evaluations not linked")

    # Evaluations: scored variants, reused with per-evaluation meta.
    t0 = time.perf_counter()
    pool = score_variants(args.variants, args.seed + 1, deadline)
    variant_count = sum(len(v) for v in pool.values())
    scoring_seconds = time.perf_counter() - t0
    notes.append(
        f"{variant_count:,} document variants scored with services.score_case in"
        f" {scoring_seconds:.1f} s ({variant_count // len(pool)} per year × kind); each"
        " evaluation reuses one variant's indicators and figures with its own meta"
    )
    t0 = time.perf_counter()
    total = 0
    for start in range(0, args.evaluations, batch):
        deadline.check(f"evaluations ({total:,} of {args.evaluations:,} written)")
        rows = []
        for number in range(start, min(args.evaluations, start + batch)):
            if projects:
                project = projects[rng.randrange(len(projects))]
                owner, year, name = project.owner, project.year, project.name
            else:
                project = None
                owner = owners[rng.randrange(len(owners))]
                year = rng.choice(YEARS)
                name = f"{rng.choice(TOPICS)}项目{number:06d}"
            kind = weighted(rng, KINDS)
            variant = rng.choice(pool[(year, kind)])
            title = f"{year}年度{name}绩效{kind}表"
            meta = {
                **variant.document["meta"],
                "title": title,
                "project": name,
                "department": owner.name,
                "region": owner.region.name,
                "source": "bench/web_load.py",
            }
            rows.append(
                Evaluation(
                    owner=owner,
                    fund_project=project,
                    title=title,
                    project=name,
                    year=year,
                    kind=kind,
                    status=weighted(rng, STATUSES),
                    document={**variant.document, "meta": meta},
                    **variant.figures,
                )
            )
        with transaction.atomic():
            Evaluation.objects.bulk_create(rows)
        total += len(rows)
        if (start // batch) % 10 == 9:
            rate = total / (time.perf_counter() - t0)
            log(f"  evaluations: {total:,} written ({rate:,.0f}/s)")
    notes.append(f"evaluations written in {time.perf_counter() - t0:.1f} s with bulk_create")

    t0 = time.perf_counter()
    deadline.check("VACUUM ANALYZE")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    notes.append(f"VACUUM ANALYZE after loading: {time.perf_counter() - t0:.1f} s")
    return Generated(counts=row_counts(), seconds=time.perf_counter() - started, notes=notes)


def row_counts() -> dict[str, int]:
    from django.apps import apps

    counts = {}
    for label in (
        "orgs.Region",
        "orgs.Organisation",
        "auth.User",
        "orgs.Membership",
        "funds.SpecialFund",
        "funds.Project",
        "funds.BudgetLine",
        "evaluations.Evaluation",
    ):
        with contextlib.suppress(LookupError):
            counts[label] = apps.get_model(label).objects.count()
    return counts


def indicator_rows(evaluations: int) -> tuple[int, int]:
    """(leaf indicators, indicators with parents) held in the documents."""
    indicators = template_document()["indicators"]
    return evaluations * sum(1 for _ in leaves(indicators)), evaluations * count_nodes(indicators)


def check_figures(sample: int, seed: int) -> tuple[int, int, list[str]]:
    """Re-score a sample of stored evaluations through services.report_for; compare figures."""
    from jixiao.web.evaluations.models import Evaluation
    from jixiao.web.evaluations.services import report_for

    pks = list(Evaluation.objects.order_by().values_list("pk", flat=True))
    chosen = random.Random(seed).sample(pks, min(sample, len(pks)))
    mismatches = []
    for evaluation in Evaluation.objects.filter(pk__in=chosen):
        stored = {key: getattr(evaluation, key) for key in figures_of_keys()}
        fresh = figures_of(report_for(evaluation))
        if stored != fresh:
            mismatches.append(f"evaluation {evaluation.pk}: stored {stored} ≠ fresh {fresh}")
    return len(chosen), len(chosen) - len(mismatches), mismatches


def figures_of_keys() -> tuple[str, ...]:
    from jixiao.web.evaluations.recompute import FIGURES

    return FIGURES


def bench_params(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "evaluations": args.evaluations,
        "projects": args.projects,
        "variants": args.variants,
        "seed": args.seed,
    }


def applied_migrations() -> dict[str, str]:
    """Every project migration file and a hash of its text: a kept database whose applied
    migrations were edited in place (apps under development) is recreated, not reused."""
    from django.apps import apps

    hashes = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("jixiao."):
            continue
        for path in sorted(Path(config.path, "migrations").glob("[0-9]*.py")):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            hashes[f"{config.label}.{path.stem}"] = digest
    return hashes


def reusable(marker: Path | None, args: argparse.Namespace) -> bool:
    """The kept database holds this data set and its migrations are unchanged (new ones are
    fine: migrate applies them)."""
    if marker is None or not marker.is_file():
        return False
    stored = json.loads(marker.read_text())
    if stored.get("params") != bench_params(args):
        return False
    current = applied_migrations()
    changed = [
        name for name, digest in stored.get("migrations", {}).items() if current.get(name) != digest
    ]
    if changed:
        log(f"  migrations changed since the data was generated: {', '.join(changed)}")
    return not changed


def recreate_database(url: str) -> None:
    """DROP and CREATE the bench database (a kept cluster holding another data set). Not flush:
    flush would also delete rows that data migrations created."""
    import psycopg
    from django.db import connections

    connections.close_all()
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host="127.0.0.1",
        port=parts.port,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def prepare_data(
    args: argparse.Namespace,
    url: str,
    keep_dir: Path | None,
    reused_cluster: bool,
    deadline: Deadline,
) -> Generated | None:
    """Migrate and generate; None when --keep's database already holds this very data set."""
    from jixiao.web.evaluations.models import Evaluation

    marker = keep_dir / "bench.json" if keep_dir else None
    same = reusable(marker, args)
    if reused_cluster and not same:
        log("  the kept database holds another data set (or none): recreating it")
        if marker:
            marker.unlink(missing_ok=True)
        recreate_database(url)
    migrate()
    if same:
        if Evaluation.objects.count() == args.evaluations:
            return None
        log("  the kept database is incomplete: recreating it")
        assert marker is not None
        marker.unlink()
        recreate_database(url)
        migrate()
    generated = generate(args, deadline)
    if marker:
        marker.write_text(
            json.dumps({"params": bench_params(args), "migrations": applied_migrations()})
        )
    return generated


# Pages ------------------------------------------------------------------------------------------


@dataclass
class Persona:
    username: str
    description: str
    evaluation_pks: list[int]
    project_pks: list[int]
    department_pks: list[int]
    cookie: str = ""

    @property
    def evaluation_pages(self) -> int:
        return max(1, math.ceil(len(self.evaluation_pks) / PAGE_SIZE))

    @property
    def project_pages(self) -> int:
        return max(1, math.ceil(len(self.project_pks) / PAGE_SIZE))


def page_number(pages: int, rng: random.Random) -> int:
    """Half the time one of the first 5 pages, half the time any page (deep OFFSETs too)."""
    if rng.random() < 0.5:
        return rng.randint(1, min(5, pages))
    return rng.randint(1, pages)


def query(**params: object) -> str:
    return "?" + urllib.parse.urlencode(params)


@dataclass
class Kind:
    """A kind of page: a name for the table and how to make one URL for a persona."""

    name: str
    make: Callable[[Persona, random.Random], str | None]
    route: str = ""


def evaluation_kinds() -> list[Kind]:
    def detail(p: Persona, rng: random.Random) -> str | None:
        return f"/evaluations/{rng.choice(p.evaluation_pks)}/" if p.evaluation_pks else None

    def page(p: Persona, rng: random.Random) -> str:
        return "/evaluations/" + query(page=page_number(p.evaluation_pages, rng))

    def year_kind(p: Persona, rng: random.Random) -> str:
        return "/evaluations/" + query(year=rng.choice(YEARS), kind=weighted(rng, KINDS))

    def search(p: Persona, rng: random.Random) -> str:
        return "/evaluations/" + query(q="项目")

    return [
        Kind("evaluation detail", detail, "evaluations:detail"),
        Kind("evaluations ?page=N", page, "evaluations:list"),
        Kind("evaluations ?year&kind", year_kind, "evaluations:list"),
        Kind("evaluations ?q=项目", search, "evaluations:list"),
    ]


def discover_kinds() -> tuple[list[Kind], list[str]]:
    """Every GET page of funds/summaries/indicators in the URLconf we can fill in; and the rest."""
    from django.urls import URLPattern, URLResolver, get_resolver

    kinds: list[Kind] = []
    skipped: list[str] = []

    def visit(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                visit(pattern.url_patterns, route, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace in {
                "funds",
                "summaries",
                "indicators",
            }:
                name = f"{namespace}:{pattern.name}"
                kind = kind_for(name, "/" + route, pattern.pattern.converters)
                if kind is None:
                    skipped.append(f"{name} /{route} (parameters this script cannot fill)")
                else:
                    kinds.append(kind)

    visit(get_resolver().url_patterns, "", "")
    return kinds, skipped


def kind_for(name: str, route: str, converters: dict[str, Any]) -> Kind | None:
    """How to fill a route: ``year`` from the data's years; another int is a project pk
    (funds) or a 主管部门 pk (summaries: ``get_department``); anything else is skipped."""
    label = name.split(":", 1)[1].replace("_", " ")
    if not converters:
        if name == "funds:project_list":

            def projects(p: Persona, rng: random.Random) -> str:
                if rng.random() < 0.5:
                    return route + query(page=page_number(p.project_pages, rng))
                return route + query(year=rng.choice(YEARS))

            return Kind("projects ?page=N|?year", projects, name)
        if name == "summaries:overview":

            def overview(p: Persona, rng: random.Random) -> str:
                if rng.random() < 0.5:
                    return route + query(page=page_number(p.evaluation_pages, rng))
                return route + query(year=rng.choice(YEARS))

            return Kind("overview ?page=N|?year", overview, name)
        return Kind(label, lambda p, rng: route, name)
    if name.startswith("funds:"):
        source = "project"
    elif name.startswith("summaries:"):
        source = "department"
    else:
        return None
    pks = [param for param in converters if param != "year"]
    if len(pks) != 1:
        return None
    placeholders = {param: re.compile(r"<(?:\w+:)?" + param + ">") for param in converters}

    def fill(p: Persona, rng: random.Random) -> str | None:
        choices = p.project_pks if source == "project" else p.department_pks
        if not choices:
            return None
        path = route
        for param, placeholder in placeholders.items():
            value = rng.choice(YEARS) if param == "year" else rng.choice(choices)
            path = placeholder.sub(str(value), path)
        return path

    return Kind(f"{label} ({'/'.join(converters)})", fill, name)


def load_personas() -> list[Persona]:
    from django.contrib.auth import get_user_model

    from jixiao.web.orgs.permissions import (
        visible_departments,
        visible_evaluations,
        visible_projects,
    )

    personas = []
    for username, description in PERSONAS.items():
        user = get_user_model().objects.get(username=username)
        evaluations = visible_evaluations(user).order_by()
        personas.append(
            Persona(
                username=username,
                description=description,
                evaluation_pks=list(evaluations.values_list("pk", flat=True)),
                project_pks=list(visible_projects(user).order_by().values_list("pk", flat=True))
                if funds_project_model()
                else [],
                department_pks=list(
                    visible_departments(user).order_by().values_list("pk", flat=True)
                ),
            )
        )
    return personas


# HTTP -------------------------------------------------------------------------------------------


def cookies_from(response: http.client.HTTPResponse, jar: dict[str, str]) -> None:
    for header in response.headers.get_all("Set-Cookie") or []:
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        for key, morsel in parsed.items():
            jar[key] = morsel.value


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def login(port: int, username: str) -> str:
    """One login (never retried: LOGIN_FAILURE_LIMIT failures would lock the account)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        jar: dict[str, str] = {}
        conn.request("GET", "/accounts/login/")
        response = conn.getresponse()
        html = response.read().decode("utf-8", "replace")
        cookies_from(response, jar)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if response.status != 200 or not token:
            raise SetupError(f"login page: HTTP {response.status}, no CSRF token")
        body = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
        )
        conn.request(
            "POST",
            "/accounts/login/",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": cookie_header(jar),
                "Referer": f"http://127.0.0.1:{port}/accounts/login/",
            },
        )
        response = conn.getresponse()
        response.read()
        cookies_from(response, jar)
        if response.status != 302 or "sessionid" not in jar:
            raise SetupError(
                f"login as {username} failed (HTTP {response.status}); not retried because"
                " 5 failures lock the account"
            )
        return cookie_header(jar)
    finally:
        conn.close()


def fetch(conn: http.client.HTTPConnection, path: str, cookie: str) -> tuple[int, int]:
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    body = response.read()
    if response.will_close:
        conn.close()
    return response.status, len(body)


def probe(port: int, kinds: list[Kind], personas: list[Persona]) -> dict[str, list[str]]:
    """Which persona gets 200 on which kind; the rest is reported and left out."""
    enabled: dict[str, list[str]] = {}
    rng = random.Random(0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        for kind in kinds:
            enabled[kind.name] = []
            answers = []
            for persona in personas:
                path = kind.make(persona, rng)
                if path is None:
                    answers.append(f"{persona.username}: nothing visible")
                    continue
                status, _ = fetch(conn, path, persona.cookie)
                answers.append(f"{persona.username}: {status}")
                if status == 200:
                    enabled[kind.name].append(persona.username)
            if len(enabled[kind.name]) < len(personas):
                log(f"  {kind.name:<28} {kind.route:<28} {'; '.join(answers)}")
    finally:
        conn.close()
    return enabled


# Load -------------------------------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    seconds: float
    status: int
    error: str = ""
    path: str = ""


def client(
    index: int,
    persona: Persona,
    kinds: list[Kind],
    port: int,
    start: float,
    end: float,
    seed: int,
    out: list[Sample],
) -> None:
    """One client: cycles over the kinds (offset by its index) until the end of the window."""
    rng = random.Random(seed * 1000 + index)
    order = kinds[index % len(kinds) :] + kinds[: index % len(kinds)]
    conn: http.client.HTTPConnection | None = None
    step = 0
    while time.monotonic() < start:
        time.sleep(0.001)
    while time.monotonic() < end:
        kind = order[step % len(order)]
        step += 1
        path = kind.make(persona, rng)
        if path is None:
            continue
        began = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, _ = fetch(conn, path, persona.cookie)
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except (OSError, http.client.HTTPException) as problem:
            status, error = 0, f"{type(problem).__name__}: {problem}"
            if conn is not None:
                conn.close()
            conn = None
        out.append(Sample(kind.name, time.perf_counter() - began, status, error, path))
    if conn is not None:
        conn.close()


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


@dataclass
class Stats:
    name: str
    count: int
    errors: int
    p50: float
    p95: float
    p99: float
    max: float
    mean: float

    @classmethod
    def of(cls, name: str, samples: list[Sample]) -> Stats:
        ms = sorted(s.seconds * 1000 for s in samples)
        return cls(
            name,
            len(ms),
            sum(1 for s in samples if s.error),
            percentile(ms, 0.50),
            percentile(ms, 0.95),
            percentile(ms, 0.99),
            ms[-1] if ms else math.nan,
            statistics.fmean(ms) if ms else math.nan,
        )


def stats_table(rows: list[Stats], seconds: float) -> None:
    head = (
        f"{'kind':<30} {'count':>7} {'req/s':>7} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8}"
        f" {'p99 ms':>8} {'max ms':>8} {'mean ms':>8}"
    )
    log(head)
    log("-" * len(head))
    for row in rows:
        if row.name == "overall":
            log("-" * len(head))
        log(
            f"{row.name:<30} {row.count:>7,} {row.count / seconds:>7.1f} {row.errors:>6}"
            f" {row.p50:>8.0f} {row.p95:>8.0f} {row.p99:>8.0f} {row.max:>8.0f} {row.mean:>8.0f}"
        )


# Gunicorn ---------------------------------------------------------------------------------------


class Gunicorn:
    def __init__(
        self,
        environment: dict[str, str],
        var_dir: Path,
        workers: int,
        threads: int,
        keep_alive: float | None = None,
    ):
        self.environment = environment
        self.log_file = var_dir / "gunicorn.log"
        self.workers = workers
        self.threads = threads
        self.keep_alive = keep_alive
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, deadline: Deadline) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        if not gunicorn.exists():
            gunicorn = REPO / ".venv" / "bin" / "gunicorn"
        command = [
            str(gunicorn),
            "jixiao.web.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--error-logfile",
            str(self.log_file),
            "--log-level",
            "warning",
        ]
        if self.keep_alive is not None:
            command += ["--keep-alive", f"{self.keep_alive:g}"]
        with self.log_file.open("ab") as output:  # Django logs errors to stderr: keep them
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env={**os.environ, **self.environment},
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        while True:
            deadline.check("waiting for gunicorn")
            if self.process.poll() is not None:
                raise SetupError(f"gunicorn exited ({self.process.returncode}):\n{self.tail()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                status, _ = fetch(conn, "/accounts/login/", "")
                conn.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)

    def cpu_seconds(self) -> float:
        return tree_cpu_seconds(self.process.pid if self.process else None)

    def tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


# Profiling one request at a time ----------------------------------------------------------------


COLUMNS = re.compile(
    r'SELECT (DISTINCT )?((?:"\w+"\."\w+"(?: AS "\w+")?, )+"\w+"\."\w+"(?: AS "\w+")?) FROM'
)


def short_sql(sql: str, limit: int = 600) -> str:
    """The statement with its long column lists folded: 'SELECT <25 columns> FROM …'."""

    def fold(match: re.Match[str]) -> str:
        return f"SELECT {match.group(1) or ''}<{match.group(2).count(', ') + 1} columns> FROM"

    text = COLUMNS.sub(fold, sql)
    return text if len(text) <= limit else text[:limit] + " …"


@dataclass
class Measured:
    kind: str
    persona: str
    path: str
    ms: float
    queries: list[tuple[float, str]]
    status: int = 200
    cpu_ms: float = 0.0  # this process (Django) for the request

    @property
    def sql_ms(self) -> float:
        return sum(ms for ms, _ in self.queries)


def backend_pid(connection: Any) -> int | None:
    """The PostgreSQL backend serving ``connection`` (to read its CPU time from /proc)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            return int(cursor.fetchone()[0])
    except Exception:  # only a figure is lost
        return None


def profile_pages(
    kinds: list[Kind], personas: list[Persona], by_kind: dict[str, Stats], seed: int
) -> None:
    """Service time without concurrency: Django test client, same database, gunicorn stopped."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    log(
        "\nOne request at a time (Django test client in this process, same database, gunicorn"
        " stopped): median of 3 requests"
    )
    head = (
        f"{'kind':<30} {'persona':<24} {'ms':>7} {'queries':>7} {'SQL ms':>7} {'top SQL':>8}"
        f" {'CPU ms':>7} {'PG CPU':>7}"
    )
    log(head)
    log("-" * len(head))
    rng = random.Random(seed)
    clients = {}
    for persona in personas:
        client_ = Client(SERVER_NAME="127.0.0.1", raise_request_exception=False)
        client_.force_login(get_user_model().objects.get(username=persona.username))
        clients[persona.username] = client_
    worst: dict[str, Measured] = {}  # per kind: the slowest median over the personas
    for kind in kinds:
        for persona in personas:
            runs = []
            backend = backend_pid(connection)
            pg_began = proc_cpu_seconds(backend) if backend else 0.0
            for _ in range(3):
                path = kind.make(persona, rng)
                if path is None:
                    continue
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    cpu_began = time.process_time()
                    response = clients[persona.username].get(path)
                    cpu_ms = (time.process_time() - cpu_began) * 1000
                    ms = (time.perf_counter() - began) * 1000
                queries = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
                runs.append(
                    Measured(
                        kind.name,
                        persona.username,
                        path,
                        ms,
                        queries,
                        response.status_code,
                        cpu_ms,
                    )
                )
            if not runs:
                continue
            pg_ms = (proc_cpu_seconds(backend) - pg_began) * 1000 / len(runs) if backend else 0.0
            median = sorted(runs, key=lambda m: m.ms)[len(runs) // 2]
            top = max((ms for ms, _ in median.queries), default=0.0)
            failed = sorted({m.status for m in runs if m.status != 200})
            log(
                f"{kind.name:<30} {persona.username:<24} {median.ms:>7.1f}"
                f" {len(median.queries):>7} {median.sql_ms:>7.1f} {top:>8.1f}"
                f" {statistics.mean(m.cpu_ms for m in runs):>7.1f} {pg_ms:>7.1f}"
                + (f"  HTTP {', '.join(map(str, failed))}: not comparable" if failed else "")
            )
            if failed:
                continue
            if kind.name not in worst or median.ms > worst[kind.name].ms:
                worst[kind.name] = median
    log(
        "(ms: the whole request in this process; SQL ms: as Django's cursor wrapper times it;"
        " CPU ms: this process's CPU time per request, mean of the runs; PG CPU: the CPU time of"
        " its PostgreSQL backend per request, from /proc in clock ticks, so coarse)"
    )
    ranked = sorted(worst.values(), key=lambda m: m.ms, reverse=True)
    for rank, measured in enumerate(ranked[:3]):
        log(
            f"\n{measured.kind}: GET {measured.path} as {measured.persona}: {measured.ms:.0f} ms,"
            f" {len(measured.queries)} queries, {measured.sql_ms:.0f} ms in SQL; the slowest:"
        )
        for ms, sql in sorted(measured.queries, reverse=True)[:3]:
            log(f"  {ms:6.1f} ms  {short_sql(sql)}")
        if rank < 2 and measured.queries:
            _, sql = max(measured.queries)
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
                plan = [line for line in plan if "Buffers:" not in line]
                log("  plan of the slowest (EXPLAIN ANALYZE):\n    " + "\n    ".join(plan[:30]))
    # cProfile the kind with the worst p95 under load, on its slowest request.
    target = max(
        (k for k in kinds if k.name in by_kind and k.name in worst),
        key=lambda k: by_kind[k.name].p95,
        default=None,
    )
    if target is None:
        return
    measured = worst[target.name]
    log(
        f"\ncProfile of the kind with the worst p95 under load, {target.name}:"
        f" GET {measured.path} as {measured.persona}"
    )
    profiler = cProfile.Profile()
    profiler.enable()
    clients[measured.persona].get(measured.path)
    profiler.disable()
    for order, restriction, title in (
        ("tottime", 12, "own time"),
        ("cumulative", r"/jixiao/", "cumulative, jixiao code only"),
    ):
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats(order).print_stats(restriction, 12)
        lines = [line for line in out.getvalue().splitlines() if line.strip()]
        start = next((n for n, line in enumerate(lines) if "ncalls" in line), 0)
        log(f"  by {title}:")
        for line in lines[start:]:
            log("    " + line.replace(str(REPO) + "/", "").replace(sys.prefix + "/", ""))


# Main -------------------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{platform.machine()} {model} × {os.cpu_count()} CPUs"


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--evaluations", type=int, help=f"evaluations to generate (default {DEFAULT_EVALUATIONS:,})"
    )
    parser.add_argument(
        "--projects",
        type=int,
        help=f"funds.Project rows (default {DEFAULT_PROJECTS:,}, or evaluations/10)",
    )
    parser.add_argument("--seconds", type=float, help="length of the load phase (default 60)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per gunicorn worker (default 1: on 2 cores, one request per process at a"
        " time costs the least CPU and keeps the queue first-come first-served)",
    )
    parser.add_argument(
        "--keep-alive",
        type=float,
        metavar="SECONDS",
        help="gunicorn's --keep-alive (default: gunicorn's, 2 s); 0 closes each connection",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK_EVALUATIONS:,} evaluations, {QUICK_SECONDS} s",
    )
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="keep the PostgreSQL cluster and its data in DIR; reuse it when it holds the same"
        " data set (DIR must be new or empty the first time, e.g. /tmp/jixiao-web-load)",
    )
    parser.add_argument(
        "--max-setup-seconds",
        type=float,
        default=900,
        help="abort when PostgreSQL, migrations, generation and gunicorn take longer (default 900)",
    )
    parser.add_argument(
        "--variants",
        type=int,
        default=5000,
        help="document variants scored with the services (default 5000)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=120,
        metavar="SECONDS",
        help="before the load, wait at most this long for other processes to leave the CPU"
        " (default 120)",
    )
    parser.add_argument("--batch", type=int, default=2000, help="rows per bulk_create")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument(
        "--check", type=int, default=200, help="evaluations re-scored to check the stored figures"
    )
    profile = parser.add_mutually_exclusive_group()
    profile.add_argument(
        "--profile",
        action="store_true",
        help="always profile the pages after the load (default: only when the goal is missed)",
    )
    profile.add_argument("--no-profile", action="store_true", help="never profile")
    args = parser.parse_args(argv)
    if args.evaluations is None:
        args.evaluations = QUICK_EVALUATIONS if args.quick else DEFAULT_EVALUATIONS
    if args.projects is None:
        args.projects = min(DEFAULT_PROJECTS, args.evaluations // 10)
    if args.seconds is None:
        args.seconds = QUICK_SECONDS if args.quick else 60.0
    args.variants = max(20, min(args.variants, args.evaluations))
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    become_subreaper()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    log("jixiao web load: gunicorn on loopback over PostgreSQL 15")
    log(f"machine: {machine()}; python {platform.python_version()}")
    log(
        f"goal:    p95 < {GOAL_P95_MS:.0f} ms and no errors; {args.clients} clients for"
        f" {args.seconds:.0f} s; gunicorn {args.workers} workers × {args.threads} threads (gthread)"
    )
    log(
        f"data:    {args.evaluations:,} evaluations, {args.projects:,} projects, seed {args.seed}"
        f"{f', kept in {args.keep}' if args.keep else ''}"
    )
    deadline = Deadline(args.max_setup_seconds)
    keep_dir = args.keep.resolve() if args.keep else None
    pg_dir = keep_dir or Path(tempfile.mkdtemp(prefix="jixiao-web-load-pg."))
    var_dir = Path(tempfile.mkdtemp(prefix="jixiao-web-load-var."))
    postgres = Postgres(pg_dir, keep=keep_dir is not None)
    gunicorn: Gunicorn | None = None
    try:
        t0 = time.perf_counter()
        url = postgres.start(deadline)
        log(
            f"\nPostgreSQL: {'reused' if postgres.reused else 'started'} in {pg_dir}"
            f" ({time.perf_counter() - t0:.1f} s, 127.0.0.1:{urllib.parse.urlsplit(url).port})"
        )
        environment = django_environment(url, var_dir)
        setup_django(environment)
        from django.apps import apps
        from django.core.management import call_command
        from django.db import connection

        t0 = time.perf_counter()
        call_command("collectstatic", interactive=False, verbosity=0)
        log(f"collectstatic: {time.perf_counter() - t0:.1f} s")

        log("\nData")
        generated = prepare_data(args, url, keep_dir, postgres.reused, deadline)
        if generated is None:
            log(f"  reused the data in {keep_dir} (same parameters): generation skipped")
            counts = row_counts()
        else:
            counts = generated.counts
            for note in generated.notes:
                log(f"  {note}")
            log(f"  generation took {generated.seconds:.1f} s")
        for label, count in counts.items():
            log(f"  {label:<24} {count:>10,}")
        leaf_rows, node_rows = indicator_rows(counts.get("evaluations.Evaluation", 0))
        log(
            f"  indicator rows (inside Evaluation.document, shaped like {SEED_FILE.name}):"
            f" {leaf_rows:,} leaves, {node_rows:,} with parents"
        )
        indicator_models = [m.__name__ for m in apps.get_app_config("indicators").get_models()]
        log(
            "  indicators app models: "
            + (
                ", ".join(indicator_models) + " (library and templates, left as migrated)"
                if indicator_models
                else "none"
            )
        )
        if "funds.Project" not in counts or counts["funds.Project"] == 0:
            log("  projects: skipped (funds.Project is not installed)")
        checked, matched, mismatches = check_figures(args.check, args.seed)
        log(
            f"  stored figures re-scored with services.report_for: {matched}/{checked} match"
            + "".join(f"\n    {m}" for m in mismatches[:3])
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            log(f"  database size: {cursor.fetchone()[0]}")

        personas = load_personas()
        log("\nPersonas (one login each, shared by their clients)")
        for persona in personas:
            log(
                f"  {persona.username:<24} {len(persona.evaluation_pks):>7,} evaluations"
                f" {len(persona.project_pks):>6,} projects {len(persona.department_pks):>4}"
                f" departments  {persona.description}"
            )
        extra, skipped = discover_kinds()
        kinds = evaluation_kinds() + extra
        connection.close()

        gunicorn = Gunicorn(environment, var_dir, args.workers, args.threads, args.keep_alive)
        t0 = time.perf_counter()
        gunicorn.start(deadline)
        log(f"\ngunicorn: up on 127.0.0.1:{gunicorn.port} in {time.perf_counter() - t0:.1f} s")
        for persona in personas:
            deadline.check("login")
            persona.cookie = login(gunicorn.port, persona.username)
        log("probing routes (listed when not every persona gets 200):")
        enabled = probe(gunicorn.port, kinds, personas)
        for line in skipped:
            log(f"  skipped: {line}")
        excluded = [k for k in kinds if not enabled.get(k.name)]
        kinds = [k for k in kinds if enabled.get(k.name)]
        log(f"kinds under load: {', '.join(k.name for k in kinds)}")
        log(f"setup took {time.monotonic() - deadline.start:.1f} s")
        if not kinds:
            raise SetupError("no page answered 200")

        # The load phase, on a quiet machine if we can get one.
        busy, waited = wait_for_quiet(args.wait_quiet, QUIET_CORES)
        log(
            f"background load before the window: {busy:.2f} cores busy"
            f" (waited {waited:.0f} s for < {QUIET_CORES} cores)"
        )
        if busy > QUIET_CORES:
            log(
                "  WARNING: other processes are using the CPU (shared machine?): the figures"
                " below are pessimistic; see 'other' in the CPU line"
            )
        outputs: list[list[Sample]] = [[] for _ in range(args.clients)]
        threads = []
        start = time.monotonic() + 0.5
        end = start + args.seconds
        for index in range(args.clients):
            persona = personas[index % len(personas)]
            mine = [k for k in kinds if persona.username in enabled[k.name]]
            thread = threading.Thread(
                target=client,
                args=(index, persona, mine, gunicorn.port, start, end, args.seed, outputs[index]),
                daemon=True,
            )
            thread.start()
            threads.append(thread)
        while time.monotonic() < start:
            time.sleep(0.001)
        cpu0 = (resource.getrusage(resource.RUSAGE_SELF), gunicorn.cpu_seconds())
        pg0 = tree_cpu_seconds(postgres.postmaster_pid)
        busy0, steal0, total0 = machine_cpu_seconds()
        log(f"\nLoad: {args.clients} clients for {args.seconds:.0f} s …")
        for thread in threads:
            thread.join(timeout=max(0.0, end - time.monotonic()) + 35)
        elapsed = time.monotonic() - start
        busy1, steal1, total1 = machine_cpu_seconds()
        me1 = resource.getrusage(resource.RUSAGE_SELF)
        me = me1.ru_utime + me1.ru_stime - cpu0[0].ru_utime - cpu0[0].ru_stime
        gunicorn_cpu = gunicorn.cpu_seconds() - cpu0[1]
        pg_cpu = tree_cpu_seconds(postgres.postmaster_pid) - pg0
        hanging = sum(t.is_alive() for t in threads)
        gunicorn.stop()
        samples = [s for out in outputs for s in out]

        by_kind = {
            k.name: Stats.of(k.name, [s for s in samples if s.kind == k.name]) for k in kinds
        }
        overall = Stats.of("overall", samples)
        log(f"\nResults ({elapsed:.1f} s window, requests started before its end)")
        stats_table([*by_kind.values(), overall], args.seconds)
        cores = (total1 - total0) / elapsed if elapsed else 0
        busy = busy1 - busy0
        log(
            f"\nCPU during the load ({cores:.1f} cores × {elapsed:.0f} s = {total1 - total0:.0f} s):"
            f" busy {busy:.1f} s, stolen by the hypervisor {steal1 - steal0:.1f} s;"
            f" gunicorn {gunicorn_cpu:.1f} s, PostgreSQL {pg_cpu:.1f} s, load clients {me:.1f} s,"
            f" other processes {busy - gunicorn_cpu - pg_cpu - me:.1f} s"
        )
        ours = gunicorn_cpu + pg_cpu + me
        if overall.count and ours > 0:
            capacity = (os.cpu_count() or 1) * overall.count / ours
            log(
                f"  this benchmark's CPU per request: {ours / overall.count * 1000:.1f} ms"
                f" (gunicorn {gunicorn_cpu / overall.count * 1000:.1f}, PostgreSQL"
                f" {pg_cpu / overall.count * 1000:.1f}, clients {me / overall.count * 1000:.1f});"
                f" on {os.cpu_count()} quiet cores that is at most ≈ {capacity:.0f} requests/s, so"
                f" {args.clients} clients without think time wait ≥ ≈"
                f" {args.clients / capacity * 1000:.0f} ms on average (Little's law)"
            )
        if busy and busy - ours > 0.1 * busy:
            log(
                f"  WARNING: other processes used {busy - ours:.0f} s of the window's"
                f" {busy:.0f} s busy CPU: the latencies above are inflated by them"
            )
        errors = [s for s in samples if s.error]
        if errors:
            log(f"errors: {len(errors)}; first ones:")
            for sample in errors[:8]:
                log(f"  {sample.kind}: {sample.error} GET {sample.path}")
            log(f"gunicorn log tail:\n{gunicorn.tail()}")
        if hanging:
            log(f"{hanging} client thread(s) still waiting on a response after the window")
        met = overall.p95 < GOAL_P95_MS and not errors
        slow = sorted(by_kind.values(), key=lambda s: s.p95, reverse=True)
        log(
            f"\ngoal p95 < {GOAL_P95_MS:.0f} ms and 0 errors: {'MET' if met else 'NOT met'}"
            f" (overall p95 {overall.p95:.0f} ms, {len(errors)} errors,"
            f" {overall.count / args.seconds:.1f} requests/s)"
        )
        log(
            "slowest kinds by p95: "
            + ", ".join(f"{s.name} {s.p95:.0f} ms" for s in slow[:3] if s.count)
        )
        for kind in excluded:
            log(
                f"NOT measured: {kind.name} ({kind.route}) answered no persona with 200 at the"
                " probe (see 'probing routes' above and the gunicorn log)"
            )
        if args.profile or (not met and not args.no_profile):
            quiet = logging.getLogger("django.request")
            level = quiet.level
            quiet.setLevel(logging.CRITICAL)  # the statuses are printed instead
            try:
                profile_pages(kinds, personas, by_kind, args.seed)
            except Exception as problem:  # the measurement above stands; say why this part did not
                log(f"profiling failed: {type(problem).__name__}: {problem}")
            finally:
                quiet.setLevel(level)
        return 0
    except SetupError as problem:
        log(f"\nABORTED: {problem}")
        if gunicorn is not None and gunicorn.process is not None:
            log(f"gunicorn log tail:\n{gunicorn.tail()}")
        return 1
    finally:
        if gunicorn is not None:
            gunicorn.stop()
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        postgres.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
        log(f"stopped gunicorn and PostgreSQL{f' (data kept in {keep_dir})' if keep_dir else ''}")


if __name__ == "__main__":
    sys.exit(main())
