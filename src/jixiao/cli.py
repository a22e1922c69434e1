"""The ``jixiao`` command: recompute and audit evaluation tables from case files."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from jixiao.core.audit import Finding, Severity, has_errors
from jixiao.core.case import DepartmentSummary
from jixiao.core.money import fmt
from jixiao.core.review import TableReport, review
from jixiao.core.rules import RuleSetError
from jixiao.core.scoring import MethodInputError
from jixiao.core.tables import TableKind, TableMismatchError, default_kind
from jixiao.io import rulesets
from jixiao.io.audit_json import report_json
from jixiao.io.batch_audit import audit_paths, rules_for, write_workbook
from jixiao.io.cases import CaseError, load
from jixiao.io.exporters import formats
from jixiao.io.exporters import get as get_exporter
from jixiao.io.import_selfeval import (
    describe,
    discover,
    header_comment,
    load_any,
    to_yaml,
    write_yaml,
)
from jixiao.io.import_selfeval import import_file as import_selfeval_file
from jixiao.io.pdf_export import PdfConversionError

app = typer.Typer(
    help="绩效 Jixiao：重新计算并审核绩效评价表。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(highlight=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 160)

EXIT_OK, EXIT_FINDINGS, EXIT_UNREADABLE = 0, 1, 2
SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}

PathsArg = Annotated[
    list[Path],
    typer.Argument(help="案例文件、自评表或文件夹（递归查找 .yaml/.yml/.json/.xlsx/.docx）"),
]
RulesOpt = Annotated[
    str | None,
    typer.Option("--rules", help="规则集名称（默认按地区与年度选择，或用文件中的 rules）"),
]


def _reports(paths: list[Path], override: str | None) -> tuple[list[TableReport], list[str]]:
    """Review every file; unreadable ones become messages instead of reports."""
    if override:
        rulesets.load(override)  # an unknown name fails once, before any file is read
    reports: list[TableReport] = []
    problems: list[str] = []
    files = list(discover(paths))
    if not files:
        problems.append(f"未找到案例文件：{'、'.join(map(str, paths))}")
    for file in files:
        try:
            document = load_any(file)
            reports.append(review(document, rules_for(document, override)))
        except CaseError as error:
            problems.append(str(error))
        except (RuleSetError, MethodInputError) as error:
            problems.append(f"文件 {file}：{error}")
    return reports, problems


def _exit_code(reports: list[TableReport], problems: list[str]) -> int:
    if problems:
        return EXIT_UNREADABLE
    return EXIT_FINDINGS if any(has_errors(list(r.findings)) for r in reports) else EXIT_OK


def _d(value: Decimal | None) -> str:
    return "—" if value is None else fmt(value)


def _print_tree(report: TableReport) -> None:
    result = report.result
    table = Table(title=f"{report.project}（{report.file}）", show_lines=False)
    table.add_column("指标")
    for column in ("分值", "得分", "发布得分"):
        table.add_column(column, justify="right")
    table.add_column("方法")
    table.add_column("计算过程")
    if result is not None:
        for score in result.scores:
            indent = "  " * (score.depth - 1)
            printed = score.indicator.published_score
            changed = printed is not None and score.value is not None and printed != score.value
            table.add_row(
                f"{indent}{score.indicator.label}",
                _d(score.weight),
                Text(_d(score.value), style="bold red" if changed else ""),
                _d(printed),
                score.method,
                score.detail if score.indicator.is_leaf else "",
            )
    out.print(table)


def _print_summary_line(report: TableReport) -> None:
    if report.result is None:
        out.print(
            f"全年预算数合计 {_d(report.computed_total)}（发布 {_d(report.published_total)}）"
        )
        return
    result = report.result
    notes = []
    if result.rescaled:
        notes.append("含不适用指标，已折算为100分")
    if result.deductions:
        notes.append(f"扣分项 −{_d(result.deductions)}")
    if result.execution_percent is not None:
        notes.append(f"执行率 {_d(result.execution_percent.quantize(Decimal('0.01')))}%")
    out.print(
        f"总分 [bold]{_d(report.computed_total)}[/bold]（发布 {_d(report.published_total)}），"
        f"等级 [bold]{report.computed_grade}[/bold]（发布 {report.published_grade or '—'}），"
        f"规则集 {report.rules}" + (f"；{'；'.join(notes)}" if notes else "")
    )


def _print_findings(findings: tuple[Finding, ...]) -> None:
    if not findings:
        out.print("[green]未发现问题[/green]")
        return
    for finding in findings:
        style = SEVERITY_STYLE[finding.severity]
        out.print(
            f"  [{style}]{SEVERITY_LABEL[finding.severity]} {finding.code.value}[/{style}]"
            f" {finding.path}：{finding.message}  [dim]#{finding.fingerprint}[/dim]"
        )


def _fail_unreadable(problems: list[str]) -> None:
    for problem in problems:
        err.print(f"[bold red]无法读取[/bold red] {problem}")


@app.command()
def score(paths: PathsArg, rules: RulesOpt = None) -> None:
    """重新计算每张表：逐项得分及依据、总分和等级。"""
    try:
        reports, problems = _reports(paths, rules)
    except RuleSetError as error:
        err.print(f"[bold red]规则集错误[/bold red] {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    for report in reports:
        if report.result is not None:
            _print_tree(report)
        else:
            out.print(f"[bold]{report.project}[/bold]（{report.file}）")
        _print_summary_line(report)
        out.print()
    _fail_unreadable(problems)
    raise typer.Exit(EXIT_UNREADABLE if problems else EXIT_OK)


@app.command()
def audit(
    paths: PathsArg,
    rules: RulesOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（每张表一个对象）")] = False,
    workbook: Annotated[
        Path | None,
        typer.Option(
            "--workbook",
            help="另写出审核工作簿（.xlsx：汇总、问题明细、无法读取；可含 .zip 中的文件）",
        ),
    ] = None,
) -> None:
    """审核：重新计算并与发布值比较，逐条列出发现的问题。

    退出码：0 无错误级问题；1 有错误级问题；2 文件无法读取（或工作簿无法写出）。
    """
    try:
        reports, problems = _reports(paths, rules)
    except RuleSetError as error:
        err.print(f"[bold red]规则集错误[/bold red] {error}")
        raise typer.Exit(EXIT_UNREADABLE) from None
    if as_json:
        print(json.dumps([report_json(r) for r in reports], ensure_ascii=False, indent=2))
    else:
        for report in reports:
            out.print(f"[bold]{report.file}[/bold] — {report.project}")
            _print_summary_line(report)
            _print_findings(report.findings)
            out.print()
    _fail_unreadable(problems)
    if workbook is not None:
        try:
            write_workbook(audit_paths(paths, rules), workbook)
        except OSError as error:
            err.print(f"[bold red]无法写出[/bold red] {escape(str(workbook))}（{error.strerror}）")
            raise typer.Exit(EXIT_UNREADABLE) from None
        err.print(f"已写出审核工作簿 {escape(str(workbook))}")
    raise typer.Exit(_exit_code(reports, problems))


@app.command("rules")
def list_rules() -> None:
    """列出可用的规则集。"""
    for name in rulesets.available():
        ruleset = rulesets.load(name)
        regions = "、".join(ruleset.regions) or "全国"
        out.print(f"{ruleset.label}\t{ruleset.title}\t适用：{regions}")


TABLE_HELP = (
    "self（项目支出绩效自评表）、scoring（评价指标计分表）、score_sheet（绩效评价得分表，含扣分理由）、"
    "completion（专项支出绩效评价指标完成情况表）或 summary（部门绩效自评结果汇总表）；"
    "默认评价表为 self，部门汇总表为 summary"
)


def _cannot_export(message: str) -> NoReturn:
    err.print(f"[bold red]无法导出[/bold red] {escape(message)}")
    raise typer.Exit(EXIT_UNREADABLE)


@app.command()
def export(
    case: Annotated[Path, typer.Argument(help="案例文件（.yaml/.yml/.json）")],
    file_format: Annotated[str, typer.Option("--format", "-f", help="xlsx、docx 或 pdf")] = "xlsx",
    table: Annotated[str | None, typer.Option("--table", "-t", help=TABLE_HELP)] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出文件或文件夹（默认：当前文件夹，按项目命名）"),
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """导出官方表格（Excel、Word 或 PDF）：自评表、计分表、得分表、指标完成情况表、部门汇总表。

    得分为重新计算的得分。退出码：0 已导出；2 文件无法读取、表格与文件不符或无法写出。
    """
    if file_format not in formats():
        _cannot_export(f"不支持的格式 {file_format!r}，应为 {'、'.join(formats())}")
    if table is not None and table not in {kind.value for kind in TableKind}:
        _cannot_export(
            f"不支持的表格 {table!r}，应为 {'、'.join(kind.value for kind in TableKind)}"
        )
    try:
        document = load(case)
        kind = TableKind(table) if table else default_kind(document)
        exporter = get_exporter(kind.value, file_format)
        if exporter is None:
            _cannot_export(f"没有 {kind.label} 的 {file_format} 导出")
        name, _, content = exporter.render(document, review(document, rules_for(document, rules)))
    except CaseError as error:
        _cannot_export(str(error))
    except (RuleSetError, MethodInputError, TableMismatchError, PdfConversionError) as error:
        _cannot_export(f"文件 {case}：{error}")
    target = output / name if output is not None and output.is_dir() else output or Path(name)
    try:
        target.write_bytes(content)
    except OSError as error:
        _cannot_export(f"无法写出 {target}（{error.strerror}）")
    out.print(f"已导出 {escape(str(target))}")


def _cannot_import(message: str) -> NoReturn:
    err.print(f"[bold red]无法导入[/bold red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(EXIT_UNREADABLE)


@app.command("import")
def import_table(
    file: Annotated[Path, typer.Argument(help="项目支出绩效自评表（.xlsx 或 .docx）")],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="输出的案例文件（.yaml）或文件夹；- 为标准输出（默认：与输入同名）",
        ),
    ] = None,
    table: Annotated[
        int | None, typer.Option("--table", min=1, help="文件中有多张自评表时导入第几张（从 1 起）")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的默认输出文件")] = False,
) -> None:
    """导入项目支出绩效自评表（Excel 或 Word），写成案例文件（YAML），可再用 score/audit。

    退出码：0 已导入；2 文件无法读取或不是自评表（此时不写出任何文件）。
    """
    try:
        imported = import_selfeval_file(file, table)
    except CaseError as error:
        _cannot_import(str(error))
    text_comment = header_comment(file, imported)
    if output is not None and str(output) == "-":
        sys.stdout.write(to_yaml(imported.document, text_comment))
        err.print(f"已导入 {escape(str(file))}：{escape(describe(imported))}", soft_wrap=True)
        return
    default = output is None
    target = output or file.with_suffix(".yaml")
    if target.is_dir():
        target = target / f"{file.stem}.yaml"
    if target.suffix.lower() not in (".yaml", ".yml"):
        _cannot_import(f"输出文件 {target} 应以 .yaml 或 .yml 结尾")
    if default and target.exists() and not force:
        _cannot_import(f"{target} 已存在：用 -o 指定输出文件，或加 --force 覆盖")
    try:
        write_yaml(imported.document, target, text_comment)
    except OSError as error:
        _cannot_import(f"无法写出 {target}（{error.strerror}）")
    out.print(
        f"已导入 {escape(str(file))} → {escape(str(target))}：{escape(describe(imported))}",
        soft_wrap=True,
    )


def _cannot_report(message: str) -> NoReturn:
    err.print(f"[bold red]无法生成报告[/bold red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(EXIT_UNREADABLE)


@app.command("report")
def report_command(
    case: Annotated[Path, typer.Argument(help="案例文件（.yaml/.yml/.json）")],
    file_format: Annotated[str, typer.Option("--format", "-f", help="docx 或 pdf")] = "docx",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="输出文件或文件夹（默认：当前文件夹，按报告标题命名）"),
    ] = None,
    narrative: Annotated[
        Path | None,
        typer.Option(
            "--narrative",
            help="报告文字（YAML：overview/goals/process/analysis/problems/suggestions/other → 文字）",
        ),
    ] = None,
    rules: RulesOpt = None,
) -> None:
    """生成绩效评价报告（Word 或 PDF）：各章节、评价结论、图表和评分表附件。

    未填写的章节为“无。”。退出码：0 已生成；2 文件无法读取、格式不支持或无法写出。
    """
    from jixiao.core.report import ReportError, build_report
    from jixiao.io.report_docx import load_narrative, report_docx, report_filename, report_pdf

    if file_format not in ("docx", "pdf"):
        _cannot_report(f"不支持的格式 {file_format!r}，应为 docx 或 pdf")
    try:
        texts = load_narrative(narrative) if narrative is not None else {}
        document = load(case)
        if isinstance(document, DepartmentSummary):
            _cannot_report(f"文件 {case}：部门汇总表不能生成评价报告（须为评价表）")
        model = build_report(document, review(document, rules_for(document, rules)), texts)
        content = report_pdf(model) if file_format == "pdf" else report_docx(model)
    except (CaseError, ReportError) as error:
        _cannot_report(str(error))
    except (RuleSetError, MethodInputError, PdfConversionError) as error:
        _cannot_report(f"文件 {case}：{error}")
    name = report_filename(model, f".{file_format}")
    target = output / name if output is not None and output.is_dir() else output or Path(name)
    try:
        target.write_bytes(content)
    except OSError as error:
        _cannot_report(f"无法写出 {target}（{error.strerror}）")
    out.print(f"已生成 {escape(str(target))}")


def _cannot_allocate(message: str) -> NoReturn:
    err.print(f"[bold red]无法分配[/bold red] {escape(message)}", soft_wrap=True)
    raise typer.Exit(EXIT_UNREADABLE)


@app.command("allocate")
def allocate_command(
    file: Annotated[
        Path, typer.Argument(help="分配文件（.yaml/.yml/.json，见 docs/allocation.md）")
    ],
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="另写出分配表（Excel .xlsx）")] = None,
    docx: Annotated[Path | None, typer.Option("--docx", help="另写出分配表（Word .docx）")] = None,
) -> None:
    """因素法分配：按条件筛选、按因素和权重分配、封顶再分配、舍入到 0.01 万元，打印分配表。

    退出码：0 已分配（并已写出）；2 文件无法读取、数据有误或无法写出。
    """
    from jixiao.io.allocation_export import docx_bytes, xlsx_bytes
    from jixiao.io.allocation_file import AllocationFileError, load_and_compute
    from jixiao.io.allocation_print import print_allocation

    try:
        document, result = load_and_compute(file)
    except AllocationFileError as error:
        _cannot_allocate(str(error))
    print_allocation(out, document, result)
    for target, render in ((xlsx, xlsx_bytes), (docx, docx_bytes)):
        if target is None:
            continue
        try:
            target.write_bytes(render(document, result))
        except OSError as error:
            _cannot_allocate(f"无法写出 {target}（{error.strerror}）")
        out.print(f"已导出 {escape(str(target))}")
