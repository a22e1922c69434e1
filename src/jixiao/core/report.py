"""The evaluation report (绩效评价报告) as a frozen model: chapters, figures, the score table.

Stage two of three, as for the tables (:mod:`jixiao.core.tables`): a case and its review become
this model; ``jixiao.io.report_docx`` lays it out and ``jixiao.io.charts`` draws its figures.

The chapters follow the seeds' reports (``002`` 第三方评价报告, ``004`` 绩效自评报告):

一、基本情况 ((一) 项目概况, (二) 绩效目标) · 二、绩效评价工作开展情况 ((一) the indicator system
and the scoring methods, (二) 评价工作过程) · 三、评价结论及绩效分析 (the total, grade and rule set,
the execution sentence, two figures; then the shortfalls and the completion figure) ·
四、存在的问题及原因分析 (the audit's errors and warnings) · 五、有关建议 · 六、其他需要说明的问题 ·
附件 (the score table of record).

What the user writes is the case's ``narrative`` (chapter key → text, :class:`NarrativeKey`),
optionally overridden chapter by chapter by a separate mapping (English keys or their Chinese
names, the CLI's ``--narrative``). It always comes after what is generated from the numbers in
its chapter. A part with a heading of its own that the user left empty reads "无。"; a text
that only follows generated content (项目概况, 绩效分析, 存在的问题) is simply left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from jixiao.core.audit import Finding, Severity
from jixiao.core.case import NARRATIVE_LABELS, Case, EvaluationKind, NarrativeKey
from jixiao.core.evaluation import EvaluationResult, Score, Source
from jixiao.core.money import HUNDRED, ZERO, Rounding, fmt, quantize
from jixiao.core.review import TableReport
from jixiao.core.tables import (
    ScoringTable,
    SelfEvaluationTable,
    TableKind,
    scoring_table,
    self_evaluation_table,
)

NONE_TEXT = "无。"
SELF_FRAMEWORK = "自评表"
SEVERITY_LABELS = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}


class ReportError(ValueError):
    """The report cannot be built from this input; ``str()`` is the message for the user."""


_ALIASES: dict[str, NarrativeKey] = {
    **{key.value: key for key in NarrativeKey},
    **{label: key for key, label in NARRATIVE_LABELS.items()},
    "基本情况": NarrativeKey.OVERVIEW,
    "项目绩效目标": NarrativeKey.GOALS,
    "评价工作开展情况": NarrativeKey.PROCESS,
    "绩效评价指标分析": NarrativeKey.ANALYSIS,
    "存在的问题": NarrativeKey.PROBLEMS,
    "主要经验及做法、存在的问题及原因分析": NarrativeKey.PROBLEMS,
    "建议": NarrativeKey.SUGGESTIONS,
    "相关措施建议": NarrativeKey.SUGGESTIONS,
    "其他": NarrativeKey.OTHER,
}


def narrative_texts(raw: Mapping[Any, object] | None) -> dict[NarrativeKey, str]:
    """Validate the user's mapping: known keys (English or Chinese), text values."""
    texts: dict[NarrativeKey, str] = {}
    for name, value in (raw or {}).items():
        key = _ALIASES.get(str(name).strip())
        if key is None:
            known = "、".join(f"{k.value}（{k.label}）" for k in NarrativeKey)
            raise ReportError(f"未知的报告章节“{name}”，应为 {known}")
        if value is None:
            continue
        if not isinstance(value, str | int | float | Decimal):
            raise ReportError(f"报告章节“{name}”的内容应为文字")
        text = str(value).strip()
        if key in texts and text:
            raise ReportError(f"报告章节“{key.label}”重复给出")
        if text:
            texts[key] = text
    return texts


def paragraphs_of(text: str) -> tuple[str, ...]:
    """Paragraphs are separated by blank lines; a single line break also starts one (as Enter
    does in Word), so each non-empty line is a paragraph. Nothing written reads "无。"."""
    lines = tuple(line.strip() for line in text.splitlines() if line.strip())
    return lines or (NONE_TEXT,)


# The model ---------------------------------------------------------------------------------------


class ChartKind(StrEnum):
    SCORES = "scores"  # 得分与分值, by 一级指标
    BUDGET = "budget"  # 预算数与执行数, by source
    COMPLETION = "completion"  # 得分/分值 of each leaf, in percent


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[Decimal | None, ...]  # one per category; None: not known, no bar


@dataclass(frozen=True, slots=True)
class ChartData:
    """A bar chart: categories along one axis, one bar per series in each category."""

    kind: ChartKind
    number: int
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str  # the value axis: 分, 万元, %
    horizontal: bool = False
    reference: Decimal | None = None  # a line across the bars (100 % for completion)

    @property
    def caption(self) -> str:
        return f"图{self.number} {self.title}"


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered part of a chapter, or the chapter's own text when ``heading`` is empty."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()  # a numbered list after the paragraphs
    figures: tuple[ChartData, ...] = ()


@dataclass(frozen=True, slots=True)
class Chapter:
    key: str
    heading: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    meta: tuple[tuple[str, str], ...]  # (label, value) lines under the title
    chapters: tuple[Chapter, ...]
    appendix_title: str
    appendix: SelfEvaluationTable | ScoringTable
    total: Decimal
    grade: str
    rules: str
    execution_percent: Decimal | None  # rounded half-up to 2 places
    findings: tuple[Finding, ...]  # errors and warnings, as listed in 四

    @property
    def figures(self) -> tuple[ChartData, ...]:
        return tuple(
            figure
            for chapter in self.chapters
            for section in chapter.sections
            for figure in section.figures
        )

    @property
    def headings(self) -> tuple[str, ...]:
        return (*(chapter.heading for chapter in self.chapters), self.appendix_title)


# Building it -------------------------------------------------------------------------------------


def build_report(
    case: Case, report: TableReport, narrative: Mapping[Any, object] | None = None
) -> Report:
    """The report of ``case`` scored as ``report``; :class:`ReportError` on bad input.

    The chapters hold ``case.narrative``; a chapter given in ``narrative`` replaces the case's.
    """
    result = report.result
    if result is None:
        raise ReportError("没有评分结果，无法生成评价报告")
    texts = {**case.narrative, **narrative_texts(narrative)}
    meta = case.meta
    is_self = meta.kind is EvaluationKind.SELF
    project = meta.project or meta.title or "本项目"
    year = f"{meta.year}年度" if meta.year else ""
    title = f"{year}{project}绩效{'自评' if is_self else '评价'}报告"
    kind = TableKind.SELF if meta.framework == SELF_FRAMEWORK else TableKind.SCORING
    table = (
        self_evaluation_table(case, report)
        if kind is TableKind.SELF
        else scoring_table(case, report)
    )
    execution = (
        None
        if result.execution_percent is None
        else quantize(result.execution_percent, 2, Rounding.HALF_UP)
    )
    findings = tuple(f for f in report.findings if f.severity in (Severity.ERROR, Severity.WARNING))
    figures = _Figures()
    shortfalls = _shortfalls(result)
    chapters = (
        Chapter(
            "basic",
            "一、基本情况",
            (
                Section(
                    "（一）项目概况",
                    (*_overview(case, project), *_narrative(texts, NarrativeKey.OVERVIEW, "")),
                ),
                Section("（二）绩效目标", _narrative(texts, NarrativeKey.GOALS)),
            ),
        ),
        Chapter(
            "process",
            "二、绩效评价工作开展情况",
            (
                Section("（一）评价指标体系与评分方法", _method_paragraphs(case, result)),
                Section("（二）评价工作过程", _narrative(texts, NarrativeKey.PROCESS)),
            ),
        ),
        Chapter(
            "conclusion",
            "三、评价结论及绩效分析",
            (
                Section(
                    "（一）评价结论",
                    _conclusion(case, report, result, execution),
                    figures=tuple(
                        f
                        for f in (figures.scores(result), figures.budget(case, result))
                        if f is not None
                    ),
                ),
                Section(
                    "（二）绩效分析",
                    (_shortfall_intro(shortfalls),),
                    items=shortfalls,
                    figures=tuple(f for f in (figures.completion(result),) if f is not None),
                ),
                *_follow(texts, NarrativeKey.ANALYSIS),
            ),
        ),
        Chapter(
            "problems",
            "四、存在的问题及原因分析",
            (_findings_section(findings), *_follow(texts, NarrativeKey.PROBLEMS)),
        ),
        Chapter(
            "suggestions",
            "五、有关建议",
            (Section("", _narrative(texts, NarrativeKey.SUGGESTIONS)),),
        ),
        Chapter(
            "other",
            "六、其他需要说明的问题",
            (Section("", _narrative(texts, NarrativeKey.OTHER)),),
        ),
    )
    return Report(
        title=title,
        subtitle=f"——{meta.fund}" if meta.fund else "",
        meta=_meta_lines(case, report),
        chapters=chapters,
        appendix_title=f"附件：{table.head.title}",
        appendix=table,
        total=result.total,
        grade=result.grade,
        rules=result.rules,
        execution_percent=execution,
        findings=findings,
    )


def _narrative(
    texts: Mapping[NarrativeKey, str], key: NarrativeKey, empty: str = NONE_TEXT
) -> tuple[str, ...]:
    text = texts.get(key, "")
    if text:
        return paragraphs_of(text)
    return (empty,) if empty else ()


def _follow(texts: Mapping[NarrativeKey, str], key: NarrativeKey) -> tuple[Section, ...]:
    """The user's text as an untitled part after the generated one; nothing if none was written."""
    paragraphs = _narrative(texts, key, "")
    return (Section("", paragraphs),) if paragraphs else ()


def _meta_lines(case: Case, report: TableReport) -> tuple[tuple[str, str], ...]:
    meta = case.meta
    lines = (
        ("项目名称", meta.project or meta.title),
        ("主管部门", meta.department),
        ("实施单位", meta.unit),
        ("专项资金", meta.fund),
        ("地区", meta.region),
        ("年度", str(meta.year) if meta.year else ""),
        ("评价类型", meta.kind.value),
        ("评分规则集", report.rules),
    )
    return tuple((label, value) for label, value in lines if value)


def _wan(value: Decimal) -> str:
    return f"{fmt(value)}万元"


def _overview(case: Case, project: str) -> tuple[str, ...]:
    meta = case.meta
    parts = [f"{meta.year}年度，" if meta.year else ""]
    if meta.department:
        parts.append(f"{meta.department}")
        if meta.unit and meta.unit != meta.department:
            parts.append(f"（实施单位：{meta.unit}）")
        parts.append("实施")
    parts.append(f"“{project}”项目")
    if meta.fund:
        parts.append(f"，资金来源为{meta.fund}")
    budget = case.budget
    if budget is not None and budget.full_year is not None:
        parts.append(f"，全年预算数{_wan(budget.full_year)}")
        sources = [(name, amount) for name, amount in budget.sources.items() if amount > ZERO]
        if sources:
            parts.append(
                "（" + "、".join(f"{name}{_wan(amount)}" for name, amount in sources) + "）"
            )
    parts.append("。")
    return ("".join(parts),)


def _method_paragraphs(case: Case, result: EvaluationResult) -> tuple[str, ...]:
    counts = case.tree.level_counts
    names = ("一级", "二级", "三级", "四级", "五级")
    levels = "、".join(
        f"{names[depth - 1] if depth <= len(names) else f'{depth}级'}指标{count}个"
        for depth, count in sorted(counts.items())
        if count
    )
    framework = f"按“{case.meta.framework}”框架" if case.meta.framework else ""
    return (
        f"评价指标体系{framework}设置，共{levels}，总分值{fmt(case.tree.total_weight)}分。",
        f"各项指标按规则集 {result.rules} 规定的评分方法重新计算得分，评分依据见附件。",
    )


def _conclusion(
    case: Case, report: TableReport, result: EvaluationResult, execution: Decimal | None
) -> tuple[str, ...]:
    sentences = [
        f"经评价，“{report.project}”项目评价得分{fmt(result.total)}分，"
        f"评价等级为“{result.grade}”（评分规则集 {result.rules}）。"
    ]
    roots = [s for s in result.scores if s.depth == 1 and s.source is not Source.NOT_APPLICABLE]
    if roots:
        sentences.append(
            "其中，"
            + "，".join(
                f"{s.indicator.name}得分{fmt(s.value or ZERO)}分（分值{fmt(s.weight)}分）"
                for s in roots
            )
            + "。"
        )
    if result.deductions:
        sentences.append(f"扣分项合计扣{fmt(result.deductions)}分。")
    if result.rescaled:
        sentences.append("含不适用指标，总分已按适用分值折算为100分。")
    budget = case.budget
    if budget is not None and budget.full_year is not None and budget.executed is not None:
        line = f"全年预算数{_wan(budget.full_year)}，执行数{_wan(budget.executed)}"
        if execution is not None:
            line += f"，执行率{fmt(execution)}%"
            exact = (
                budget.full_year > ZERO
                and budget.executed / budget.full_year * HUNDRED == result.execution_percent
            )
            if not exact and budget.arrived is not None:
                line += f"（按实际到位资金{_wan(budget.arrived)}计算）"
        balance = budget.balance
        if balance is not None and balance > ZERO:
            line += f"，结余{_wan(balance)}"
        sentences.append(line + "。")
    if result.best_grade_allowed != "优" and execution is not None:
        sentences.append(f"资金执行率{fmt(execution)}%，等级最高为“{result.best_grade_allowed}”。")
    published = report.published_total
    if published is not None and published != result.total:
        sentences.append(f"发布总分{fmt(published)}分，重新计算为{fmt(result.total)}分。")
    if report.published_grade and report.published_grade != result.grade:
        sentences.append(f"发布等级“{report.published_grade}”，重新计算为“{result.grade}”。")
    return tuple(sentences)


def _scored_leaves(result: EvaluationResult) -> list[Score]:
    return [
        s
        for s in result.scores
        if s.indicator.is_leaf
        and s.source not in (Source.NOT_APPLICABLE, Source.MISSING)
        and s.weight > ZERO
    ]


def _shortfalls(result: EvaluationResult) -> tuple[str, ...]:
    """Leaves below full marks, with the deviation note the table gives."""
    items = []
    for score in _scored_leaves(result):
        value = score.value or ZERO
        if value >= score.weight:
            continue
        line = f"{score.path_text}：得分{fmt(value)}分（分值{fmt(score.weight)}分）"
        note = score.indicator.deviation_note.strip()
        items.append(f"{line}，偏差原因：{note}" if note else line)
    return tuple(items)


def _shortfall_intro(shortfalls: tuple[str, ...]) -> str:
    if not shortfalls:
        return "各项指标均得满分。"
    return f"以下{len(shortfalls)}项指标未得满分："


def _findings_section(findings: tuple[Finding, ...]) -> Section:
    if not findings:
        return Section("", ("经复核计算，未发现错误或警告级问题。",))
    return Section(
        "",
        (f"经复核计算，发现以下{len(findings)}个问题：",),
        items=tuple(
            f"【{SEVERITY_LABELS[f.severity]}】{f.path + '：' if f.path else ''}{f.message}"
            for f in findings
        ),
    )


class _Figures:
    """Numbers the figures in the order the chapters place them."""

    def __init__(self) -> None:
        self.count = 0

    def _next(self) -> int:
        self.count += 1
        return self.count

    def scores(self, result: EvaluationResult) -> ChartData | None:
        roots = [s for s in result.scores if s.depth == 1 and s.source is not Source.NOT_APPLICABLE]
        if not roots:
            return None
        return ChartData(
            ChartKind.SCORES,
            self._next(),
            "各一级指标分值与得分",
            tuple(s.indicator.name for s in roots),
            (
                Series("分值", tuple(s.weight for s in roots)),
                Series("得分", tuple(s.value or ZERO for s in roots)),
            ),
            "分",
        )

    def budget(self, case: Case, result: EvaluationResult) -> ChartData | None:
        budget = case.budget
        if budget is None or budget.full_year is None:
            return None
        sources = [(name, amount) for name, amount in budget.sources.items() if amount > ZERO]
        if len(sources) < 2:
            sources = []
        categories = (*(name for name, _ in sources), "合计")
        budgeted = (*(amount for _, amount in sources), budget.full_year)
        executed = (*(None for _ in sources), budget.executed)
        return ChartData(
            ChartKind.BUDGET,
            self._next(),
            "资金预算与执行情况",
            categories,
            (Series("全年预算数", budgeted), Series("全年执行数", executed)),
            "万元",
        )

    def completion(self, result: EvaluationResult) -> ChartData | None:
        leaves = _scored_leaves(result)
        if not leaves:
            return None
        return ChartData(
            ChartKind.COMPLETION,
            self._next(),
            "各项指标完成情况（得分/分值）",
            tuple(s.indicator.name for s in leaves),
            (
                Series(
                    "得分率",
                    tuple(
                        quantize((s.value or ZERO) / s.weight * HUNDRED, 2, Rounding.HALF_UP)
                        for s in leaves
                    ),
                ),
            ),
            "%",
            horizontal=True,
            reference=HUNDRED,
        )
