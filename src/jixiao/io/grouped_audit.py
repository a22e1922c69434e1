"""Audit many evaluation tables at once: each table's total, grade and findings.

``build → evaluate → audit_case`` makes an object for every indicator and every score, which is
what a page or an export needs. A batch audit (``jixiao audit`` over a folder, the benchmark)
needs only each table's total, grade and findings, and its tables mostly share one layout: one
template filled in by many units. So this module

* groups the documents by rule set and layout, and walks each group slot by slot (a slot is one
  indicator position, the same in every table of the group): the tree is read once per group,
  and every table is handled in a tight loop per slot;
* answers each leaf row from a memo keyed on everything the row's score and checks read (method,
  parameters, facts, target, actual, weight, printed score, whether a note or rationale is
  written). A row seen for the first time goes through the real path: its indicator,
  :func:`jixiao.core.evaluation.score_leaf` and :func:`jixiao.core.audit.score_problems`;
* scores the two ratio methods and the execution row by their formulas (the arithmetic of
  :mod:`jixiao.core.scoring.ratios`), and sends any such row that one of the audit's checks might
  report through the real path as well;
* adds the table's own checks through :func:`jixiao.core.audit.check_table`.

A table with anything the slot loops do not handle (another layout, a manual score, a
not-applicable indicator, weights that do not add up, a value the reader would refuse) goes
through the full path on its own. So every answer is the full path's;
``tests/io/test_grouped_audit.py`` compares the two on generated tables at several error rates
and on every example.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from jixiao.core.audit import (
    Finding,
    Problem,
    _Collector,
    audit_case,
    check_table,
    printed_matches,
    score_problems,
)
from jixiao.core.budget import Budget
from jixiao.core.case import Case, CaseMeta, EvaluationKind, Published
from jixiao.core.evaluation import Score, Source, evaluate, score_leaf
from jixiao.core.indicators import EMPTY, PATH_SEPARATOR, Deduction
from jixiao.core.money import HUNDRED, ONE, ZERO, Rounding, to_decimal
from jixiao.core.rules import ExecutionDenominator, ReverseFormula, RuleSet, worse_grade
from jixiao.core.scoring import ScoringContext
from jixiao.core.targets import parse
from jixiao.io import cases

__all__ = ["TableAudit", "audit_documents"]


@dataclass(frozen=True, slots=True)
class TableAudit:
    """What a batch audit reports of one table: the same as ``evaluate`` + ``audit_case``."""

    total: Decimal
    grade: str
    execution_percent: Decimal | None
    findings: list[Finding]
    leaves: int  # leaf indicators scored
    grouped: bool  # False: the table went through the full path on its own


def audit_documents(
    documents: Sequence[Mapping[str, Any]],
    rules_of: Callable[[Mapping[str, Any]], RuleSet],
    names: Sequence[str] | None = None,
) -> list[TableAudit]:
    """Audit evaluation documents (validated, as read from case files or the database).

    ``rules_of`` gives each document's rule set; ``names`` the file names the full path puts in
    its error messages. Raises what ``cases.from_trusted_document`` or ``evaluate`` raise for a
    table they refuse.
    """
    results: list[TableAudit | None] = [None] * len(documents)
    groups: dict[tuple[Any, ...], list[int]] = {}
    rule_sets: dict[int, RuleSet] = {}
    for index, document in enumerate(documents):
        rules = rules_of(document)
        rule_sets[id(rules)] = rules
        groups.setdefault((id(rules), *_layout(document)), []).append(index)
    for key, indexes in groups.items():
        rules = rule_sets[key[0]]
        if key[1] is None:  # not an evaluation table the groups can take
            refused = indexes
        else:
            group = _Group([documents[i] for i in indexes], rules)
            refused = []
            for index, result in zip(indexes, group.run(), strict=True):
                if result is None:
                    refused.append(index)
                results[index] = result
        for index in refused:
            name = names[index] if names is not None else ""
            results[index] = _full(documents[index], rules, name)
    return results  # type: ignore[return-value]  # every place is filled above


def _layout(document: Mapping[str, Any]) -> tuple[Any, ...]:
    """A cheap key for the layout: how many children each top-level row has."""
    try:
        if document.get("type", "evaluation") != "evaluation":
            return (None,)
        roots = document["indicators"]
        return (len(roots), *(len(root.get("children") or ()) for root in roots))
    except (AttributeError, KeyError, TypeError):
        return (None,)


def _full(document: Mapping[str, Any], rules: RuleSet, name: str) -> TableAudit:
    """The full path: ``build → evaluate → audit_case``."""
    case = cases.from_trusted_document(document, name)
    if not isinstance(case, Case):
        raise TypeError("a department summary is not an evaluation table")
    result = evaluate(case.tree, ScoringContext(rules, case.budget))
    findings = audit_case(case, result, rules)
    leaves = sum(1 for score in result.scores if not score.indicator.children)
    return TableAudit(
        result.total, result.grade, result.execution_percent, findings, leaves, grouped=False
    )


# Reading the document's cells -------------------------------------------------------------------

_KEYS = frozenset(
    {
        "name",
        "code",
        "weight",
        "children",
        "target",
        "actual",
        "method",
        "params",
        "facts",
        "published_score",
        "rationale",
        "deviation_note",
        "lower_is_better",
        "explanation",
        "criteria",
        "unit",
        "line",
    }
)
"""What a row may hold and still be handled in the slot loops (no manual score, nothing not
applicable)."""

_DECIMALS: dict[int, Decimal] = {}


def _decimal(value: Any) -> Decimal | None:
    kind = type(value)
    if kind is Decimal or value is None:
        return value  # type: ignore[no-any-return]
    if kind is int:
        number = _DECIMALS.get(value)
        if number is None:
            number = _DECIMALS[value] = Decimal(value)
            if len(_DECIMALS) > 4096:
                _DECIMALS.clear()
        return number
    return to_decimal(value)


def _text(value: Any) -> str | None:
    return value if value is None or type(value) is str else str(value)


def _freeze(value: Any) -> Any:
    """A hashable stand-in for parameters or facts that keeps what a method could tell apart."""
    kind = type(value)
    if kind is str:
        return value
    if isinstance(value, Mapping):
        return (dict, tuple((key, _freeze(item)) for key, item in value.items()))
    if kind is list or kind is tuple:
        return (list, tuple(map(_freeze, value)))
    if kind is Decimal:
        return (kind, str(value))
    return (kind, value)


def _budget(raw: Mapping[str, Any] | None) -> Budget | None:
    if raw is None:
        return None
    get = raw.get
    given = get("sources") or {}
    sources = {str(key): _decimal(value) for key, value in given.items()}
    return Budget(
        _decimal(get("initial")),
        _decimal(get("full_year")),
        _decimal(get("executed")),
        _decimal(get("arrived")),
        MappingProxyType({k: v for k, v in sources.items() if v is not None}),
        _decimal(get("published_rate")),
        getattr(raw, "line", None),
    )


def _published(raw: Mapping[str, Any] | None) -> Published:
    if not raw:
        return Published(None, None, EMPTY, None)  # type: ignore[arg-type]
    get = raw.get
    counts = get("declared_counts")
    return Published(
        _decimal(get("total")),
        get("grade"),
        MappingProxyType({int(k): int(v) for k, v in counts.items()}) if counts else EMPTY,  # type: ignore[arg-type]
        _decimal(get("total_budget")),
    )


def _deduction(raw: Mapping[str, Any]) -> Deduction:
    get = raw.get
    return Deduction(
        raw["name"],
        _decimal(get("per_occurrence")),
        get("occurrences", 0),
        _decimal(get("points")),
        _decimal(get("cap")),
        get("reason", ""),
        _decimal(get("published")),
    )


def _meta(raw: Mapping[str, Any]) -> CaseMeta:
    get = raw.get
    return CaseMeta(
        get("title", ""),
        get("region", ""),
        get("year"),
        get("department", ""),
        get("unit", ""),
        get("fund", ""),
        get("project", ""),
        EvaluationKind(get("kind", EvaluationKind.SELF.value)),
        get("framework", ""),
        get("source", ""),
    )


def _label(raw: Mapping[str, Any]) -> str:
    code = raw.get("code")
    name: str = raw["name"]
    return f"{code} {name}" if code else name


# One group ------------------------------------------------------------------------------------

_EXECUTION = "execution"
_RATIO_POSITIVE = "ratio_positive"
_RATIO_NEGATIVE = "ratio_negative"
_ARRIVED = ExecutionDenominator.ARRIVED
_RATIO = ReverseFormula.RATIO
_WHOLE_DOWN = Rounding.WHOLE_DOWN
_DEAD: Mapping[str, Any] = MappingProxyType({})  # the place of a refused table in a column

_ROWS: dict[tuple[int, ...], dict[tuple[Any, ...], tuple[Decimal | None, tuple[Problem, ...]]]] = {}
"""Per rule set (by id, the rule set kept alive beside it): row key → (score, problems)."""
_ROW_LIMIT = 200_000


def _row_memo(rules: RuleSet) -> dict[tuple[Any, ...], tuple[Decimal | None, tuple[Problem, ...]]]:
    key = (id(rules),)
    memo = _ROWS.get(key)
    if memo is None or memo.get(("rules",)) is not rules:  # type: ignore[comparison-overlap]
        memo = _ROWS[key] = {("rules",): rules}  # type: ignore[dict-item]
    elif len(memo) > _ROW_LIMIT:
        memo.clear()
        memo[("rules",)] = rules  # type: ignore[assignment]
    return memo


class _Group:
    """Tables with one rule set and (so far as the key tells) one layout, slot by slot."""

    def __init__(self, documents: list[Mapping[str, Any]], rules: RuleSet) -> None:
        self.documents = documents
        self.rules = rules
        self.size = len(documents)
        self.alive = [True] * self.size
        self.budgets: list[Budget | None] = [None] * self.size
        self.problems: list[list[tuple[int, tuple[list[Any], ...], tuple[Problem, ...]]] | None]
        self.problems = [None] * self.size
        self.order = 0  # slots in depth-first order: findings come out in the full path's order
        self.counts: dict[int, int] = {}
        self.leaves = 0
        self.memo = _row_memo(rules)
        self.plain = ScoringContext(rules, None)  # no method but 执行率 reads the budget

    def run(self) -> list[TableAudit | None]:
        documents, alive = self.documents, self.alive
        for i, document in enumerate(documents):
            try:
                self.budgets[i] = _budget(document.get("budget"))
            except (AttributeError, TypeError, ValueError, ArithmeticError):
                alive[i] = False
        roots = [document["indicators"] for document in documents]
        count = len(roots[0])
        self.counts[1] = count
        raw = [ZERO] * self.size
        weight = [ZERO] * self.size
        printed_roots: list[list[Decimal | None]] = [[] for _ in documents]
        for position in range(count):
            column = [nodes[position] for nodes in roots]
            values, weights, printed = self._slot(column, (), 1)
            for i in range(self.size):
                raw[i] += values[i]
                weight[i] += weights[i]
                printed_roots[i].append(printed[i])
        out: list[TableAudit | None] = []
        for i, document in enumerate(documents):
            if not alive[i] or weight[i] != HUNDRED:  # WEIGHTS_NOT_100 leads the full path's list
                out.append(None)
                continue
            try:
                out.append(self._table(document, i, raw[i], printed_roots[i]))
            except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError):
                out.append(None)
        return out

    def _table(
        self, document: Mapping[str, Any], i: int, raw: Decimal, roots: list[Decimal | None]
    ) -> TableAudit:
        rules = self.rules
        deductions = tuple(map(_deduction, document.get("deductions") or ()))
        deducted = ZERO
        for deduction in deductions:
            deducted += deduction.amount
        total = max(ZERO, raw - deducted)
        budget = self.budgets[i]
        execution = budget.execution_percent(rules.execution_denominator) if budget else None
        grade = worse_grade(rules.grade_for(total), rules.best_grade_allowed(execution))
        published = _published(document.get("published"))
        out = _Collector(_meta(document["meta"]))
        rows = self.problems[i]
        if rows:
            if len(rows) > 1:
                rows.sort(key=_first)
            for _, chain, problems in rows:
                path = PATH_SEPARATOR.join(_label(column[i]) for column in chain)
                out.extend(path, problems)
        check_table(out, rules, published, roots, deductions, total, budget, execution, self.counts)
        return TableAudit(total, grade, execution, out.findings, self.leaves, grouped=True)

    def _record(
        self, i: int, order: int, chain: tuple[list[Any], ...], problems: tuple[Problem, ...]
    ) -> None:
        rows = self.problems[i]
        if rows is None:
            rows = self.problems[i] = []
        rows.append((order, chain, problems))

    # Slots --------------------------------------------------------------------------------------

    def _slot(
        self, column: list[Any], ancestors: tuple[list[Any], ...], depth: int
    ) -> tuple[list[Decimal], list[Decimal], list[Decimal | None]]:
        """Scores, effective weights and printed scores of one slot in every table."""
        alive = self.alive
        chain = (*ancestors, column)
        order = self.order
        self.order += 1
        template = next((node for node, ok in zip(column, alive, strict=True) if ok), None)
        if template is None:
            zeros = [ZERO] * self.size
            return zeros, zeros, [None] * self.size
        if template.get("children"):
            return self._parent(column, chain, depth, order, len(template["children"]))
        return self._leaves(column, chain, order, template.get("method"))

    def _parent(
        self,
        column: list[Any],
        chain: tuple[list[Any], ...],
        depth: int,
        order: int,
        count: int,
    ) -> tuple[list[Decimal], list[Decimal], list[Decimal | None]]:
        alive, size, keys = self.alive, self.size, _KEYS
        for i, node in enumerate(column):
            if alive[i]:
                children = node.get("children")
                if (
                    type(children) is not list
                    or len(children) != count
                    or node.get("method") is not None
                    or not node.keys() <= keys
                ):
                    alive[i] = False
        below = depth + 1
        self.counts[below] = self.counts.get(below, 0) + count
        values = [ZERO] * size
        weights = [ZERO] * size
        printed_sum: list[Decimal | None] = [ZERO] * size
        for position in range(count):
            child_column = [
                node["children"][position] if alive[i] else _DEAD for i, node in enumerate(column)
            ]
            child_values, child_weights, child_printed = self._slot(child_column, chain, below)
            for i in range(size):
                values[i] += child_values[i]
                weights[i] += child_weights[i]
                so_far = printed_sum[i]
                if so_far is not None:
                    given = child_printed[i]
                    printed_sum[i] = None if given is None else so_far + given
        printed: list[Decimal | None] = [None] * size
        tolerance = self.rules.tolerance
        for i, node in enumerate(column):
            if not alive[i]:
                continue
            try:
                written = _decimal(node.get("weight"))
                given = printed[i] = _decimal(node.get("published_score"))
            except (TypeError, ValueError, ArithmeticError):
                alive[i] = False
                continue
            if written is not None:
                if written != weights[i]:
                    alive[i] = False  # CHILD_WEIGHTS_MISMATCH: the full path reports it
                    continue
                weights[i] = written
            if given is not None:
                children = printed_sum[i]
                if (
                    given > weights[i]
                    or given < ZERO
                    or (children is not None and abs(given - children) > tolerance)
                ):
                    self._parent_problems(node, i, order, chain, weights[i], values[i])
        return values, weights, printed

    def _parent_problems(
        self,
        node: Mapping[str, Any],
        i: int,
        order: int,
        chain: tuple[list[Any], ...],
        weight: Decimal,
        value: Decimal,
    ) -> None:
        indicator = cases.indicator_from_trusted(node)
        score = Score(
            (), "", indicator, weight, value, value, Source.CHILDREN, "", self.rules.label
        )
        self._record(i, order, chain, score_problems(score, self.rules))

    def _leaves(
        self, column: list[Any], chain: tuple[list[Any], ...], order: int, method: Any
    ) -> tuple[list[Decimal], list[Decimal], list[Decimal | None]]:
        alive, size, keys = self.alive, self.size, _KEYS
        values = [ZERO] * size
        weights = [ZERO] * size
        printed: list[Decimal | None] = [None] * size
        memo, rules = self.memo, self.rules
        kernel = method in (_EXECUTION, _RATIO_POSITIVE, _RATIO_NEGATIVE)
        last_params: Any = None
        last_params_key: Any = None
        self.leaves += 1
        for i, node in enumerate(column):
            if not alive[i]:
                continue
            try:
                get = node.get
                if (
                    "children" in node
                    or get("method") != method
                    or get("lower_is_better") is not None
                    or not node.keys() <= keys
                ):
                    alive[i] = False
                    continue
                weight = _decimal(get("weight"))
                if weight is None:
                    alive[i] = False  # LEAF_WITHOUT_WEIGHT: the full path reports it
                    continue
                raw_given = get("published_score")
                given = _decimal(raw_given)
                target = _text(get("target"))
                actual = _text(get("actual"))
                params = get("params") or EMPTY
                noted = bool((get("deviation_note") or "").strip())
                reasoned = bool((get("rationale") or "").strip())
                value: Decimal | None
                if kernel and not params:
                    found = self._kernel(method, i, weight, given, target, actual, noted, reasoned)
                    if found is not None:
                        value = found
                        weights[i] = weight
                        printed[i] = given
                        if value is not None:
                            values[i] = value
                        continue
                if method == _EXECUTION:  # reads the table's budget: not memoised
                    value, problems = self._real(node, ScoringContext(rules, self.budgets[i]))
                else:
                    if params is last_params or (params == last_params and params):
                        params_key = last_params_key
                    else:
                        params_key = _freeze(params)
                        last_params, last_params_key = params, params_key
                    facts = get("facts")
                    key = (
                        method,
                        params_key,
                        _freeze(facts) if facts else None,
                        target,
                        actual,
                        weight,
                        raw_given if type(raw_given) is int else _freeze(raw_given),
                        noted,
                        reasoned,
                    )
                    hit = memo.get(key)
                    if hit is None:
                        hit = memo[key] = self._real(node, self.plain)
                    value, problems = hit
                if problems:
                    self._record(i, order, chain, problems)
            except (AttributeError, KeyError, TypeError, ValueError, ArithmeticError):
                alive[i] = False
                continue
            weights[i] = weight
            printed[i] = given
            if value is not None:
                values[i] = value
        return values, weights, printed

    def _real(
        self, node: Mapping[str, Any], ctx: ScoringContext
    ) -> tuple[Decimal | None, tuple[Problem, ...]]:
        """One row through the real path: its score of record and what the audit says of it."""
        score = score_leaf(cases.indicator_from_trusted(node), (), ctx)
        return score.value, score_problems(score, self.rules)

    def _kernel(
        self,
        method: str,
        i: int,
        weight: Decimal,
        given: Decimal | None,
        target: str | None,
        actual: str | None,
        noted: bool,
        reasoned: bool,
    ) -> Decimal | None:
        """The score of record of a ratio or execution row by its formula, or None when the row
        needs the real path (no numbers to divide, or a check that might report it)."""
        met: bool | None
        if method == _EXECUTION:
            budget = self.budgets[i]
            if budget is None or target or actual:
                return None
            executed = budget.executed
            if self.rules.execution_denominator is _ARRIVED:
                denominator = budget.arrived if budget.arrived is not None else budget.full_year
            else:
                denominator = budget.full_year
            if executed is None or denominator is None or denominator <= ZERO:
                return None
            rate = executed / denominator
            exact = weight if rate >= ONE else rate * weight
            met = None  # no target or actual cell: the achievement checks do not apply
        else:
            if not target or not actual:
                return None
            expression_t, expression_a = parse(target), parse(actual)
            t, a = expression_t.value, expression_a.value
            if t is None or a is None:
                return None
            t_unit, a_unit = expression_t.unit, expression_a.unit
            if t_unit != a_unit and t_unit and a_unit:
                return None  # another unit: converted, or UNIT_MISMATCH
            if method == _RATIO_POSITIVE:
                if t <= ZERO:
                    return None
                met = a >= t
                exact = weight if met else a / t * weight
            else:
                met = a <= t
                if met:
                    exact = weight
                elif t <= ZERO:
                    return None
                elif self.rules.reverse_formula is _RATIO:
                    exact = t / a * weight
                else:
                    exact = (ONE - (a - t) / t) * weight
        clamped = exact if ZERO <= exact <= weight else max(ZERO, min(weight, exact))
        value = self.rules.round(clamped)
        if given is None:
            return None  # the printed score is missing: no finding, but MISSING to record
        if given > weight or given < ZERO:
            return None  # SCORE_EXCEEDS_WEIGHT
        if not printed_matches(clamped, given, self.rules):
            return None  # SCORE_METHOD_MISMATCH, ROUNDING_VARIANT, …
        below_full = given < weight
        if met is False and not below_full:
            return None  # MISSED_BUT_FULL
        if below_full and not noted and (met or (method != _EXECUTION and not reasoned)):
            return None  # MET_BUT_DEDUCTED, DEVIATION_NOTE_MISSING
        return value


def _first(row: tuple[int, Any, Any]) -> int:
    return row[0]
