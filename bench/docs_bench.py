"""Throughput of the documents: 自评表 written as .docx/.xlsx/.pdf, then imported and audited.

N varied 自评表 cases (default 1,000) are made from seed 004 (株洲 温暖企业行动): a seeded
``random.Random`` changes the budget, the numeric targets and actuals, the qualitative scores
and the published figures of every case, and each is built with ``jixiao.io.cases.from_document``
and reviewed (``jixiao.core.review.review``) outside the timed stages. Then, on one core:

* docx — ``exporters.get("self", "docx").render(case, report)`` for N cases, files written
  (the fast path: prototype elements made once by python-docx, copied per document);
* docx reference — the same tables through python-docx's objects cell by cell
  (``docx_export.reference_document_bytes``, the path the fast one is checked against) for R
  cases (default 50), in the same run, so that the two rates compare on a shared machine;
* xlsx — the same with ``"xlsx"``;
* pdf — the same with ``"pdf"`` (LibreOffice headless, one process per file) for P cases,
  stopped after ``--pdf-seconds``; skipped when ``soffice`` is missing;
* floor — ``openpyxl.load_workbook(path, data_only=True)`` over the N .xlsx files;
* import — ``jixiao.io.import_selfeval.import_file`` over the same files (for the split);
* batch audit — ``jixiao.io.batch_audit.audit_paths([folder], None, None)`` over the folder
  (import + audit), compared with the floor.

Everything is written into a temporary folder that is removed at the end. Usage (see
bench/README.md)::

    .venv/bin/python bench/docs_bench.py [--files 1000] [--pdfs 100] [--quick]
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import openpyxl

from jixiao.core.case import Case
from jixiao.core.review import TableReport, review
from jixiao.core.tables import TableKind, build_table
from jixiao.io import batch_audit, cases, exporters
from jixiao.io.docx_export import reference_document_bytes
from jixiao.io.import_selfeval import import_file
from jixiao.io.table_grid import grid_for

SEED_FILE = (
    Path(__file__).resolve().parent.parent / "examples/seeds/004-zhuzhou-warm-enterprise.yaml"
)
DOCX_GOAL = 50.0  # .docx files/s
AUDIT_GOAL_SECONDS = 60.0  # batch audit of 1,000 .xlsx files
FLOOR_RATIO_GOAL = 1.5  # batch audit time / bare openpyxl load time
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal(100)
BANDS = ((90, "优"), (80, "良"), (60, "中"), (0, "差"))


# Varied cases ---------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """The seed as plain dicts and lists (the YAML reader's line-numbered mappings dropped)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def printed(value: Decimal) -> int | Decimal:
    """Two decimals at most, an ``int`` when whole, as the YAML reader hands figures over."""
    rounded = value.quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded == rounded.to_integral_value():
        return int(rounded)
    return Decimal(format(rounded, "f").rstrip("0"))


def leaves(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for node in nodes:
        found.extend(leaves(node["children"]) if "children" in node else [node])
    return found


def vary_leaf(node: dict[str, Any], rng: random.Random) -> None:
    """New target/actual/score for one leaf; texts the seed has that are not ``》N`` stay."""
    weight = Decimal(node["weight"])
    target = str(node.get("target", ""))
    if node.get("method") == "qualitative":
        node["published_score"] = printed(weight - rng.choice((0, 0, 0, 1, 2)))
        return
    if target.startswith("满意度"):
        base = rng.randint(85, 99)
        actual = Decimal(rng.randint(800, 1000)) / 10
        node["target"], node["actual"] = f"满意度{base}%以上。", f"满意度{actual}%"
        score = min(actual / base, Decimal(1)) * weight
    elif target.startswith("》") and target[1:].rstrip("家亿万").isdigit():
        unit = target[1:].lstrip("0123456789")
        base = max(1, round(int(target[1:].rstrip("家亿万")) * rng.uniform(0.5, 2)))
        actual = Decimal(round(base * rng.uniform(0.8, 1.6) * 10)) / 10
        if base >= 10:
            actual = actual.to_integral_value()
        node["target"], node["actual"] = f"》{base}{unit}", f"{actual}{unit}"
        score = min(actual / base, Decimal(1)) * weight
    else:
        return
    published = printed(score)
    if rng.random() < 0.05:  # a wrong figure now and then, for the audit to find
        published = printed(max(Decimal(0), Decimal(published) - 1))
    node["published_score"] = published


def vary(seed: dict[str, Any], number: int, rng: random.Random) -> dict[str, Any]:
    """One case document: seed 004 with its figures changed."""
    document = plain(seed)
    document["meta"]["project"] = f"温暖企业行动{number:04d}"
    document["meta"]["title"] = f"2020年度项目支出绩效自评表（温暖企业行动{number:04d}）"
    budget = document["budget"]
    full_year = Decimal(rng.randint(5_000, 50_000)) / HUNDRED
    executed = (full_year * Decimal(rng.uniform(0.7, 1))).quantize(CENT)
    rate = executed / full_year
    budget.update(initial=full_year, full_year=full_year, executed=executed)
    budget["sources"] = {"当年财政拨款": full_year, "上年结转资金": 0, "其他资金": 0}
    budget["published_rate"] = printed(rate * HUNDRED)
    total = Decimal(0)
    for leaf in leaves(document["indicators"]):
        if leaf.get("method") == "execution":
            leaf["published_score"] = printed(min(rate, Decimal(1)) * 10)
        else:
            vary_leaf(leaf, rng)
        total += Decimal(leaf["published_score"])
    grade = next(g for low, g in BANDS if total >= low)
    document["published"] = {"total": printed(total), "grade": grade}
    return document


def make_cases(count: int, seed: int) -> list[tuple[Case, TableReport]]:
    source = cases.read_document(SEED_FILE)
    rng = random.Random(seed)
    made = []
    for number in range(count):
        case = cases.from_document(vary(source, number, rng), f"case-{number:04d}")
        assert isinstance(case, Case)
        made.append((case, review(case, batch_audit.rules_for(case, None))))
    return made


# Timed stages ---------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    files: int
    seconds: float
    note: str = ""
    cpu: float | None = None  # this process's CPU seconds (the reading stages)

    @property
    def rate(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0


def render_all(
    fmt: str, made: list[tuple[Case, TableReport]], folder: Path, budget: float | None = None
) -> Stage:
    """Render and write every case as ``fmt``; stop after ``budget`` seconds if given."""
    exporter = exporters.get("self", fmt)
    assert exporter is not None, fmt
    folder.mkdir()
    done = 0
    start = time.perf_counter()
    for number, (case, report) in enumerate(made):
        exported = exporter.render(case, report)
        (folder / f"{number:04d}{exporter.extension}").write_bytes(exported.content)
        done += 1
        if budget is not None and time.perf_counter() - start > budget:
            break
    return Stage(fmt, done, time.perf_counter() - start)


def render_reference(made: list[tuple[Case, TableReport]], folder: Path) -> Stage:
    """The 自评表 .docx through python-docx's objects (the slow path), as the exporter builds it."""
    folder.mkdir()
    start = time.perf_counter()
    for number, (case, report) in enumerate(made):
        grid = grid_for(build_table(TableKind.SELF, case, report))
        (folder / f"{number:04d}.docx").write_bytes(reference_document_bytes(grid))
    return Stage("docx reference", len(made), time.perf_counter() - start)


def over_files(name: str, paths: list[Path], work: Callable[[Path], object]) -> Stage:
    start, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        work(path)
    return Stage(name, len(paths), time.perf_counter() - start, cpu=time.process_time() - cpu)


def load_bare(path: Path) -> None:
    openpyxl.load_workbook(path, data_only=True).close()


# Report ---------------------------------------------------------------------------------------


def machine() -> str:
    return (
        f"{platform.machine()} {platform.processor() or '(processor unnamed)'}, "
        f"Python {platform.python_version()}, openpyxl {openpyxl.__version__}"
    )


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


def arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=1000, help=".docx and .xlsx files (1000)")
    parser.add_argument(
        "--reference", type=int, default=50, help=".docx files by the python-docx path (50)"
    )
    parser.add_argument("--pdfs", type=int, default=100, help=".pdf files (100)")
    parser.add_argument(
        "--pdf-seconds", type=float, default=180.0, help="stop the PDF stage after this (180)"
    )
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--quick", action="store_true", help="100 files and 5 PDFs")
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.pdfs, args.reference = 100, 5, 20
    args.pdfs = min(args.pdfs, args.files)
    args.reference = min(args.reference, args.files)
    return args


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    print("jixiao documents: 自评表 export (.docx/.xlsx/.pdf), import and batch audit (one core)")
    print(f"machine: {machine()}")
    print(
        f"goals:   ≥ {DOCX_GOAL:.0f} .docx/s; batch audit of 1,000 .xlsx < "
        f"{AUDIT_GOAL_SECONDS:.0f} s and ≤ {FLOOR_RATIO_GOAL}× the bare openpyxl load"
    )
    started = time.perf_counter()
    made = make_cases(args.files, args.seed)
    print(
        f"cases:   {len(made):,} from seed 004 (seed {args.seed}), built and reviewed in "
        f"{time.perf_counter() - started:.1f} s (not timed below)"
    )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    stages: list[Stage] = []
    root = Path(tempfile.mkdtemp(prefix="jixiao-docs-bench-"))
    try:
        warm = root / "warm"
        for fmt in ("docx", "xlsx"):  # imports and first-call costs, untimed
            exporter = exporters.get("self", fmt)
            assert exporter is not None
            (warm / fmt).mkdir(parents=True)
            path = warm / fmt / f"0{exporter.extension}"
            path.write_bytes(exporter.render(*made[0]).content)
        load_bare(warm / "xlsx" / "0.xlsx")
        import_file(warm / "xlsx" / "0.xlsx")

        stages.append(render_all("docx", made, root / "docx"))
        reference = render_reference(made[: args.reference], root / "docx-reference")
        stages.append(reference)
        stages.append(render_all("xlsx", made, root / "xlsx"))
        if soffice is None:
            print("pdf:     skipped, LibreOffice (soffice) is not installed")
        else:
            pdf = render_all("pdf", made[: args.pdfs], root / "pdf", args.pdf_seconds)
            if pdf.files < args.pdfs:
                pdf.note = f"capped at {args.pdf_seconds:.0f} s: {pdf.files} of {args.pdfs}"
            stages.append(pdf)
        sizes = {
            fmt: sum(p.stat().st_size for p in (root / fmt).iterdir())
            for fmt in ("docx", "docx-reference", "xlsx", "pdf")
            if (root / fmt).is_dir()
        }

        paths = sorted((root / "xlsx").iterdir())
        floor = over_files("openpyxl load (floor)", paths, load_bare)
        stages.append(floor)
        stages.append(over_files("import_file", paths, import_file))
        start, cpu = time.perf_counter(), time.process_time()
        result = batch_audit.audit_paths([root / "xlsx"], None, None)
        audit = Stage(
            "batch audit", len(paths), time.perf_counter() - start, cpu=time.process_time() - cpu
        )
        stages.append(audit)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print()
    head = f"{'stage':<24}{'files':>7}{'seconds':>10}{'files/s':>10}{'× floor':>9}  note"
    print(head)
    print("-" * len(head))
    for stage in stages:
        reads = stage.name not in ("docx", "docx reference", "xlsx", "pdf") and floor.seconds
        ratio = f"{stage.seconds / floor.seconds:.2f}" if reads else ""
        size = sizes.get(stage.name.replace(" ", "-"))
        note = stage.note or (f"{size / stage.files / 1024:.1f} KB/file" if size else "")
        print(
            f"{stage.name:<24}{stage.files:>7,}{stage.seconds:>10.2f}{stage.rate:>10.1f}"
            f"{ratio:>9}  {note}"
        )
    findings = Counter(finding.code for _, finding in result.findings)
    print()
    print(
        f"batch audit: {len(result.files):,} files audited, {len(result.unreadable)} unreadable, "
        f"{sum(findings.values()):,} findings"
        + (f" ({', '.join(f'{c} {n}' for c, n in findings.most_common(5))})" if findings else "")
    )
    for unreadable in result.unreadable[:3]:
        print(f"  unreadable: {unreadable.file}: {unreadable.reason}")

    docx = stages[0]
    scaled = audit.seconds * 1000 / audit.files if audit.files else 0.0
    ratio = audit.seconds / floor.seconds if floor.seconds else float("inf")
    print()
    print(f"{'.docx ≥ 50/s:':<28}{docx.rate:,.1f}/s — {verdict(docx.rate >= DOCX_GOAL)}")
    if reference.rate:
        print(
            f"{'.docx fast / reference:':<28}{docx.rate / reference.rate:,.1f}× "
            f"({reference.rate:,.1f}/s through python-docx's objects, same run)"
        )
    in_time = scaled < AUDIT_GOAL_SECONDS
    extra = "" if audit.files == 1000 else f" (scaled to 1,000 files from {audit.files:,})"
    print(f"{'batch audit < 60 s:':<28}{scaled:.1f} s{extra} — {verdict(in_time)}")
    near = ratio <= FLOOR_RATIO_GOAL
    print(f"{'batch audit ≤ 1.5× floor:':<28}{ratio:.2f}× — {verdict(near)}")
    if floor.cpu and audit.cpu is not None:  # steadier than wall time on a shared machine
        print(
            f"{'  on CPU time:':<28}{audit.cpu / floor.cpu:.2f}× (floor {floor.cpu:.2f} s, batch"
            f" audit {audit.cpu:.2f} s of this process's CPU)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
