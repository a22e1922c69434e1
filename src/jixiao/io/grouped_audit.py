"""Audit many evaluation tables at once: each table's total, grade and findings.

``build → evaluate → audit_case`` makes an object for every indicator and every score, which is
what a page or an export needs. A batch (``recompute_figures`` over the stored evaluations, the
benchmark) needs only each table's total, grade and findings, and its tables mostly share one
layout: one template filled in by many units. So this module

* groups the documents by rule set and layout, and walks each group slot by slot (a slot is one
  indicator position, the same in every table of the group): the cells of a slot are read a
  column at a time, and parents add their children's columns;
* answers each leaf row from a memo keyed on everything the row's score and checks read (method,
  parameters, facts, target, actual, weight, printed score, whether a note or rationale is
  written). A row seen for the first time takes its method's outcome from a second memo keyed
  on what the outcome reads (target, actual, weight, facts, parameters) and is checked by
  :func:`jixiao.core.audit.leaf_problems`; only a new outcome goes through the real path: its
  indicator and :func:`jixiao.core.evaluation.score_leaf`;
* scores the two ratio methods and the execution row by their formulas (the arithmetic of
  :mod:`jixiao.core.scoring.ratios`), inline. A row whose printed score the formula gives is
  checked by :func:`jixiao.core.audit.achievement_problems` (the audit's own code); a row with
  a printed score out of range or not the method's goes through the memo and the real path;
* adds the table's own checks through :func:`jixiao.core.audit.check_table`.

A table with anything the slot loops do not handle (another layout, a manual score, a
not-applicable indicator, weights that do not add up, a value the reader would refuse) goes
through the full path on its own, so a document the full path refuses raises the same error.
Every answer is the full path's: ``tests/io/test_grouped_audit.py`` compares the two on
generated tables at several error rates, on every seed under both rule sets and on unusual
tables. ``bench/score_bench.py`` times it (bench/README.md has the figures).
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from itertools import count, repeat
from operator import add, and_, is_, itemgetter
from types import MappingProxyType
from typing import Any

from jixiao.core.audit import (
    AchievementRow,
    Collector,
    Finding,
    Leaf,
    Problem,
    achievement_problems,
    audit_case,
    check_table,
    leaf_problems,
    printed_matches,
    score_problems,
)
from jixiao.core.budget import Budget
from jixiao.core.case import Case, EvaluationKind, Published, table_identity
from jixiao.core.evaluation import Score, Source, evaluate, score_leaf
from jixiao.core.indicators import EMPTY, PATH_SEPARATOR, Deduction, Indicator, MethodSpec
from jixiao.core.money import HUNDRED, ONE, ZERO, Rounding, quantum, to_decimal
from jixiao.core.records import builder
from jixiao.core.rules import ExecutionDenominator, ReverseFormula, RuleSet, worse_grade
from jixiao.core.scoring import REGISTRY, Outcome, ScoringContext
from jixiao.core.targets import convert, quantity, units_compatible
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
    published_total: Decimal | None  # as printed
    published_grade: str | None  # as printed


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
    collecting = gc.isenabled()
    if collecting:  # the batch makes many small objects and no cycles: no collector passes
        gc.disable()
    try:
        return _audit(documents, rules_of, names)
    finally:
        if collecting:
            gc.enable()


def _audit(
    documents: Sequence[Mapping[str, Any]],
    rules_of: Callable[[Mapping[str, Any]], RuleSet],
    names: Sequence[str] | None,
) -> list[TableAudit]:
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
        return (len(roots), *[len(root.get("children") or ()) for root in roots])
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
    published = case.published
    return TableAudit(
        result.total,
        result.grade,
        result.execution_percent,
        findings,
        leaves,
        False,
        published.total,
        published.grade,
    )


# Reading the document's cells -------------------------------------------------------------------

_PARENT_KEYS = frozenset(
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
"""What a parent row may hold and still be handled in the slot loops (no manual score, nothing
not applicable)."""
_LEAF_KEYS = _PARENT_KEYS - {"children", "lower_is_better"}  # and no direction of its own

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


def _freeze(value: Any) -> Any:
    """A hashable stand-in for parameters or facts that keeps what a method could tell apart."""
    kind = type(value)
    if kind is str:
        return value
    if kind is Decimal:
        return (kind, str(value))
    if kind is list or kind is tuple:
        return (list, tuple(map(_freeze, value)))
    if kind is dict or isinstance(value, Mapping):
        return (dict, tuple([(key, _freeze(item)) for key, item in value.items()]))
    return (kind, value)


_new_budget = builder(Budget)
_new_published = builder(Published)
_new_deduction = builder(Deduction)
_new_table_audit = builder(TableAudit)
_KINDS = {kind.value: kind for kind in EvaluationKind}


def _budget(raw: Mapping[str, Any] | None) -> Budget | None:
    if raw is None:
        return None
    get = raw.get
    return _new_budget(  # without its sources: neither scoring nor the audit reads them
        _decimal(get("initial")),
        _decimal(get("full_year")),
        _decimal(get("executed")),
        _decimal(get("arrived")),
        EMPTY,
        _decimal(get("published_rate")),
        getattr(raw, "line", None),
    )


def _published(raw: Mapping[str, Any] | None) -> Published:
    if not raw:
        return _new_published(None, None, EMPTY, None)
    get = raw.get
    counts = get("declared_counts")
    return _new_published(
        _decimal(get("total")),
        get("grade"),
        MappingProxyType({int(k): int(v) for k, v in counts.items()}) if counts else EMPTY,
        _decimal(get("total_budget")),
    )


def _deduction(raw: Mapping[str, Any]) -> Deduction:
    get = raw.get
    return _new_deduction(
        raw["name"],
        _decimal(get("per_occurrence")),
        get("occurrences", 0),
        _decimal(get("points")),
        _decimal(get("cap")),
        get("reason", ""),
        _decimal(get("published")),
    )


def _identity(raw: Mapping[str, Any]) -> str:
    """``CaseMeta.identity`` of a document's ``meta`` block."""
    get = raw.get
    kind = get("kind", EvaluationKind.SELF.value)
    return table_identity(
        get("region", ""),
        get("year"),
        get("department", ""),
        get("project", "") or get("title", ""),
        _KINDS.get(kind) or EvaluationKind(kind),
    )


def _label(raw: Mapping[str, Any]) -> str:
    code = raw.get("code")
    name: str = raw["name"]
    return f"{code} {name}" if code else name


# One group ------------------------------------------------------------------------------------

_EXECUTION = "execution"
_RATIO_POSITIVE = "ratio_positive"
_RATIO_NEGATIVE = "ratio_negative"
_RATIOS = (_RATIO_POSITIVE, _RATIO_NEGATIVE)
_ARRIVED = ExecutionDenominator.ARRIVED
_RATIO = ReverseFormula.RATIO
_WHOLE_DOWN = Rounding.WHOLE_DOWN
_NO_CHILDREN: list[dict[str, Any]] = [{}]  # the places of a refused table's children

Row = tuple[Decimal, tuple[Problem, ...], Decimal, Decimal | None]
"""A leaf row's score of record (0 when it has none), what the audit says of it, its weight and
its printed score."""
_NO_ROW: Row = (ZERO, (), ZERO, None)  # the row of a refused table
Scored = tuple[Decimal, tuple[Problem, ...]]  # a score of record and what the audit says of it

Known = tuple[Outcome | None, Decimal | None, str, str | None, str | None]
"""A method's outcome for a row's target, actual, weight, facts and parameters: the outcome, its
score rounded by the rule set, the method's title, and the target and actual as read."""

RowMemo = dict[Any, dict[tuple[Any, ...], Row]]  # method → row key → row
OutcomeMemo = dict[Any, dict[tuple[Any, ...], Known]]  # method → outcome key → outcome

_MEMOS: dict[int, tuple[RuleSet, RowMemo, OutcomeMemo]] = {}
"""Per rule set (by id, kept alive beside its memos): method → row key → row, and method →
outcome key → outcome. Rule sets that score alike share the outcomes (:func:`_scoring_key`)."""
_OUTCOMES: dict[tuple[Any, ...], OutcomeMemo] = {}  # scoring key → method → outcome key → …
_MEMO_LIMIT = 100_000  # rows (or outcomes) per method, then that method's memo starts again


_RULE_SETS_KEPT = 8  # memos for this many rule sets, the oldest dropped first

_GRADE_ONLY = frozenset(
    {"name", "version", "title", "regions", "years", "label", "grade_bands", "grade_caps"}
)
"""The rule-set fields no scoring method reads, only the grade, the names and the choice of
rule set (tests/io/test_grouped_audit.py checks the scoring code for them)."""


def _scoring_key(rules: RuleSet) -> tuple[Any, ...]:
    """Every field a method's outcome (and the score it rounds to) may read: ``zhejiang``
    differs from ``national`` only in its grade caps, so the two share their outcomes."""
    return tuple(
        (field.name, _freeze(getattr(rules, field.name)))
        for field in fields(rules)
        if field.name not in _GRADE_ONLY
    )


def forget() -> None:
    """Drop every memo, so that the next batch starts cold (the benchmark, the tests)."""
    _MEMOS.clear()
    _OUTCOMES.clear()


def _bounded(memos: dict[Any, dict[Any, Any]], method: Any) -> dict[Any, Any]:
    """``memos[method]``, started again when it has grown past :data:`_MEMO_LIMIT`."""
    memo = memos.get(method)
    if memo is None or len(memo) > _MEMO_LIMIT:
        memo = memos[method] = {}
    return memo


def _memos_for(rules: RuleSet) -> tuple[RowMemo, OutcomeMemo]:
    held = _MEMOS.get(id(rules))
    if held is None or held[0] is not rules:
        _MEMOS.pop(id(rules), None)
        while len(_MEMOS) >= _RULE_SETS_KEPT:  # an edited rule set is a new object
            del _MEMOS[next(iter(_MEMOS))]
        key = _scoring_key(rules)
        outcomes = _OUTCOMES.get(key)
        if outcomes is None:
            while len(_OUTCOMES) >= _RULE_SETS_KEPT:
                del _OUTCOMES[next(iter(_OUTCOMES))]
            outcomes = _OUTCOMES[key] = {}
        held = _MEMOS[id(rules)] = (rules, {}, outcomes)
    return held[1], held[2]


def _key_part(value: Any) -> Any:
    """A cell as part of a row key: an ``int`` or ``str`` as it is, a Decimal by its text (it
    keeps the written places, which decide how a printed score is compared; the reader makes
    the same number of that text), anything else frozen."""
    kind = type(value)
    if kind is int or kind is str or value is None:
        return value
    return str(value) if kind is Decimal else _freeze(value)


_COMPILED = not __file__.endswith(".py")  # this module runs as its compiled copy


def _column(column: list[Any], key: str) -> list[Any]:
    """Every row's ``key`` cell: ``list(map(dict.get, column, repeat(key)))``, which is the
    fastest way in the interpreter. Compiled, a loop that looks a plain dict up directly is
    faster still (grouped_audit.pxd types ``node``); other rows go through ``dict.get`` as
    before, so a row that is not a dict raises the same TypeError either way."""
    if not _COMPILED:
        return list(map(dict.get, column, repeat(key)))
    cells = []
    for row in column:
        if type(row) is dict:
            node = row
            cells.append(node.get(key))
        else:  # a dict subclass (the case reader's), or not a dict at all
            cells.append(dict.get(row, key))
    return cells


def _cells(column: list[Any], key: str) -> list[Any]:
    """One cell of every row, as part of the row keys (:func:`_key_part`)."""
    cells = _column(column, key)
    kinds = set(map(type, cells))
    if kinds <= _PLAIN_KINDS:
        return cells
    if kinds <= _NUMBER_KINDS:  # _key_part, inline for the usual column
        return [str(cell) if type(cell) is Decimal else cell for cell in cells]
    return [_key_part(cell) for cell in cells]


_PLAIN_KINDS = frozenset({int, str, type(None)})
_NUMBER_KINDS = _PLAIN_KINDS | {Decimal}


_TOKENS: dict[Any, int] = {}
_NEXT_TOKEN = count()  # never reused, so a memo key never comes to mean other parameters
_TOKEN_LIMIT = 10_000


def _token(key: Any) -> int:
    """A small number standing for a (deep, slow to hash) parameters key in the row keys."""
    token = _TOKENS.get(key)
    if token is None:
        if len(_TOKENS) >= _TOKEN_LIMIT:
            _TOKENS.clear()  # a key seen again gets a new number: its old rows are not reused
        token = _TOKENS[key] = next(_NEXT_TOKEN)
    return token


def _sum(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    """``a + b`` by element; once when each column holds one number throughout, as the weights
    of a layout do (the same object: numbers read from ints are shared, see _decimal)."""
    first_a, first_b = a[0], b[0]
    if all(map(is_, a, repeat(first_a))) and all(map(is_, b, repeat(first_b))):
        return [first_a + first_b] * len(a)
    return list(map(add, a, b))


def _facts_key(facts: Any) -> Any:
    """Facts as part of a row key: their items and the kinds of their values (``True`` and
    ``1`` are equal keys, but not the same fact)."""
    if len(facts) == 1:  # the usual case: one fact
        for name, value in facts.items():
            kind = type(value)
            if kind is str or kind is int:
                return (name, value, kind)
    try:
        key = (tuple(facts.items()), tuple(map(type, facts.values())))
        hash(key)
    except TypeError:  # a list among the values
        return _freeze(facts)
    return key


def _decimals(cells: list[Any], alive: list[bool]) -> list[Decimal | None]:
    """Exact numbers of a column of cells; a cell the reader would refuse marks its table."""
    if all(map(is_, cells, repeat(None))):  # (count(None) would compare Decimals with None)
        return cells
    out: list[Decimal | None] = []
    for i, cell in enumerate(cells):
        try:
            out.append(_decimal(cell))
        except (TypeError, ValueError, ArithmeticError):
            alive[i] = False
            out.append(None)
    return out


def _row_key(node: Mapping[str, Any]) -> tuple[Any, ...]:
    """One row's memo key, read row by row (:meth:`_Group._keys` reads a column at a time)."""
    get = node.get
    params, facts = get("params"), get("facts")
    return (
        _key_part(get("target")),
        _key_part(get("actual")),
        _key_part(get("weight")),
        _key_part(get("published_score")),
        _written(get("deviation_note")),
        _written(get("rationale")),
        _facts_key(facts) if facts else None,
        _token(_key_part(params)) if params else None,
    )


def _written(value: Any) -> bool:
    """Whether a note is written (``_has_note``: blank space is no note)."""
    return bool(value and value.strip())


class _RefusedRowError(Exception):
    """A table the slot loops leave to the full path."""


# What reading or scoring a row may raise on a cell the slot loops do not take: that table
# then goes through the full path, which raises the reader's or the method's own error.
_ROW_ERRORS = (_RefusedRowError, AttributeError, KeyError, TypeError, ValueError, ArithmeticError)


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
        self.memo, self.outcomes = _memos_for(rules)
        self.plain = ScoringContext(rules, None)  # no method but 执行率 reads the budget
        self.quantum, self.rounding = quantum(rules.places, rules.rounding)  # as rules.round
        self.exact_kept = rules.rounding is not _WHOLE_DOWN  # printed_matches' own first test
        self.full_marks: dict[Decimal, Decimal] = {}  # a weight, rounded as the rules round
        self.specs = {code: MethodSpec(code, EMPTY) for code in _RATIOS}

    def run(self) -> list[TableAudit | None]:
        documents, alive, size = self.documents, self.alive, self.size
        for i, document in enumerate(documents):
            try:
                self.budgets[i] = _budget(document.get("budget"))
            except (AttributeError, TypeError, ValueError, ArithmeticError):
                alive[i] = False
        roots = [document["indicators"] for document in documents]
        count = len(roots[0])
        self.counts[1] = count
        raw = [ZERO] * size
        weight = [ZERO] * size
        printed_roots: list[list[Decimal | None]] = [[] for _ in documents]
        for position in range(count):
            column = [nodes[position] for nodes in roots]
            values, weights, printed = self._slot(column, (), 1)
            raw = list(map(add, raw, values))
            weight = _sum(weight, weights)
            for so_far, given in zip(printed_roots, printed, strict=True):
                so_far.append(given)
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
        total = raw
        for deduction in deductions:
            total -= deduction.amount
        if total < ZERO:
            total = ZERO
        budget = self.budgets[i]
        execution = budget.execution_percent(rules.execution_denominator) if budget else None
        grade = worse_grade(rules.grade_for(total), rules.best_grade_allowed(execution))
        published = _published(document.get("published"))
        out = Collector.for_identity(_identity(document["meta"]))
        rows = self.problems[i]
        if rows:
            if len(rows) > 1:
                rows.sort(key=_first)
            for _, chain, problems in rows:
                path = PATH_SEPARATOR.join([_label(column[i]) for column in chain])
                out.extend(path, problems)
        check_table(out, rules, published, roots, deductions, total, budget, execution, self.counts)
        return _new_table_audit(
            total,
            grade,
            execution,
            out.findings,
            self.leaves,
            True,
            published.total,
            published.grade,
        )

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
        chain = (*ancestors, column)
        order = self.order
        self.order += 1
        template = next((node for node, ok in zip(column, self.alive, strict=True) if ok), None)
        if template is None:
            zeros = [ZERO] * self.size
            return zeros, zeros, [None] * self.size
        if template.get("children"):
            return self._parent(column, chain, depth, order, len(template["children"]))
        self.leaves += 1
        method = template.get("method")
        if method == _EXECUTION:
            return self._execution(column, chain, order)
        if method in _RATIOS:
            try:
                return self._ratios(column, chain, order, method)
            except (AttributeError, TypeError):  # a cell of an unexpected kind: row by row
                pass
        return self._leaves(column, chain, order, method)

    def _parent(
        self,
        column: list[Any],
        chain: tuple[list[Any], ...],
        depth: int,
        order: int,
        count: int,
    ) -> tuple[list[Decimal], list[Decimal], list[Decimal | None]]:
        alive, size = self.alive, self.size
        kids: list[Any] = _column(column, "children")
        shapes_ok = [type(k) is list and len(k) == count for k in kids]
        keys_ok = list(map(_PARENT_KEYS.issuperset, column))
        if shapes_ok.count(False) or keys_ok.count(False):
            for i, fine in enumerate(map(and_, shapes_ok, keys_ok)):
                if not fine:
                    alive[i] = False
                    kids[i] = _NO_CHILDREN * count
        below = depth + 1
        self.counts[below] = self.counts.get(below, 0) + count
        values: list[Decimal] = [ZERO] * size
        weights: list[Decimal] = [ZERO] * size
        printed = _decimals(_column(column, "published_score"), alive)
        # The children's printed sum, for SUM_MISMATCH: only where a subtotal is printed, and
        # None for a table once a child's score is not (``None in`` is avoided: it compares
        # every Decimal with None through the slow number ABCs).
        printed_sum: list[Decimal | None] | None = (
            None if all(map(is_, printed, repeat(None))) else [ZERO] * size
        )
        for child_column in zip(*kids, strict=True):  # the children's columns, position by position
            child_values, child_weights, child_printed = self._slot(
                list(child_column), chain, below
            )
            values = list(map(add, values, child_values))
            weights = _sum(weights, child_weights)
            if printed_sum is None:
                continue
            if all(map(is_, child_printed, repeat(None))):
                printed_sum = None
            elif any(map(is_, printed_sum, repeat(None))) or any(
                map(is_, child_printed, repeat(None))
            ):
                printed_sum = [
                    None if a is None or b is None else a + b
                    for a, b in zip(printed_sum, child_printed, strict=True)
                ]
            else:
                printed_sum = list(map(add, printed_sum, child_printed))
        written = _decimals(_column(column, "weight"), alive)
        tolerance = self.rules.tolerance
        for i, weight in enumerate(written):
            if weight is not None and alive[i]:
                if weight != weights[i]:
                    alive[i] = False  # CHILD_WEIGHTS_MISMATCH: the full path reports it
                weights[i] = weight
        for i, given in enumerate(printed):
            if given is not None and alive[i]:
                children = printed_sum[i] if printed_sum is not None else None
                weight = weights[i]
                if (
                    given > weight
                    or given < ZERO
                    or (children is not None and abs(given - children) > tolerance)
                ):
                    self._parent_problems(column[i], i, order, chain, weight, values[i])
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
        """A slot of leaves scored by ``method`` (anything but 执行率), each row from the memo.

        The cells are read a column at a time (``map`` over the tables, in C), the rows looked
        up the same way, and only the rows the memo has not seen are computed one by one. A
        column with a cell of an unexpected kind is read again row by row.
        """
        memo: dict[tuple[Any, ...], Row] = _bounded(self.memo, method)
        try:
            keys = self._keys(column, method)
            rows: list[Row | None] = list(map(memo.get, keys))
        except (AttributeError, TypeError):  # not a mapping, a note that is not text, …
            keys, rows = self._keys_one_by_one(column, method, memo)
        alive = self.alive
        if None in rows:
            for i, row in enumerate(rows):
                if row is None and alive[i]:
                    key = keys[i]
                    row = memo.get(key)  # a row seen earlier in this slot
                    if row is not None:
                        rows[i] = row
                        continue
                    try:
                        rows[i] = memo[key] = self._row(column[i], key, method)
                    except _ROW_ERRORS:
                        alive[i] = False
            rows = [_NO_ROW if row is None else row for row in rows]
        for i, problems in enumerate(map(itemgetter(1), rows)):  # type: ignore[arg-type]
            if problems and alive[i]:
                self._record(i, order, chain, problems)
        return (
            list(map(itemgetter(0), rows)),  # type: ignore[arg-type]
            list(map(itemgetter(2), rows)),  # type: ignore[arg-type]
            list(map(itemgetter(3), rows)),  # type: ignore[arg-type]
        )

    def _leaves_only(self, column: list[Any], method: Any) -> None:
        """Mark the tables whose row here is not a leaf scored by ``method`` the slot loops take
        (another method, a manual score, not applicable, …)."""
        alive = self.alive
        methods = _column(column, "method")
        keys_ok = list(map(_LEAF_KEYS.issuperset, column))
        if methods.count(method) != self.size or keys_ok.count(False):
            for i, (written, fine) in enumerate(zip(methods, keys_ok, strict=True)):
                if written != method or not fine:
                    alive[i] = False

    def _keys(self, column: list[Any], method: Any) -> list[tuple[Any, ...]]:
        """Every row's memo key, a column at a time; marks the tables whose row is not one the
        slot loops take (another method, a manual score, …)."""
        size = self.size
        self._leaves_only(column, method)
        params = _column(column, "params")
        first = params[0]
        if params.count(first) == size:  # the usual case: one set of parameters (or none)
            params_keys: Any = repeat(_token(_key_part(first)) if first else None, size)
        else:
            params_keys = [_token(_key_part(p)) if p else None for p in params]
        facts: list[Any] = _column(column, "facts")
        if facts.count(None) != size:  # items and the kinds of their values (True is not 1)
            facts = [_facts_key(f) if f else None for f in facts]
        notes = _column(column, "deviation_note")
        noted = (
            [False] * size if notes.count(None) == size else [bool(n and n.strip()) for n in notes]
        )
        rationales = _column(column, "rationale")
        reasoned = (
            [False] * size
            if rationales.count(None) == size
            else [bool(r and r.strip()) for r in rationales]
        )
        return list(
            zip(
                _cells(column, "target"),
                _cells(column, "actual"),
                _cells(column, "weight"),
                _cells(column, "published_score"),
                noted,
                reasoned,
                facts,
                params_keys,
                strict=False,  # params_keys may be an endless repeat
            )
        )

    def _keys_one_by_one(
        self, column: list[Any], method: Any, memo: dict[tuple[Any, ...], Row]
    ) -> tuple[list[tuple[Any, ...]], list[Row | None]]:
        """:meth:`_keys` and the memo's rows for a column :meth:`_keys` could not read."""
        alive = self.alive
        keys: list[tuple[Any, ...]] = []
        rows: list[Row | None] = []
        for i, node in enumerate(column):
            key: tuple[Any, ...] = ()
            row = None
            if alive[i]:
                try:
                    get = node.get
                    if get("method") != method or not _LEAF_KEYS.issuperset(node):
                        raise _RefusedRowError
                    key = _row_key(node)
                    row = memo.get(key)
                except (_RefusedRowError, AttributeError, TypeError):
                    alive[i] = False
            keys.append(key)
            rows.append(row)
        return keys, rows

    def _ratios(
        self, column: list[Any], chain: tuple[list[Any], ...], order: int, method: str
    ) -> tuple[list[Decimal], list[Decimal], list[Decimal | None]]:
        """A slot of 正向/反向比率 rows: each by the formula (the arithmetic of RatioPositive and
        RatioNegative), inline; a row one of the audit's checks on the printed score would
        report (or without numbers to divide) from the memo or the real path.

        Their targets and actuals rarely repeat, so these rows are not looked up first.
        """
        alive, size = self.alive, self.size
        self._leaves_only(column, method)
        targets = _column(column, "target")
        actuals = _column(column, "actual")
        written_weights = _column(column, "weight")
        givens = _column(column, "published_score")
        params = _column(column, "params")
        notes = _column(column, "deviation_note")
        rationales = _column(column, "rationale")
        values: list[Decimal] = [ZERO] * size
        weights: list[Decimal] = [ZERO] * size
        printed: list[Decimal | None] = [None] * size
        rules = self.rules
        positive = method == _RATIO_POSITIVE
        reverse_ratio = rules.reverse_formula is _RATIO
        decimals = _DECIMALS
        exact_kept, full_marks = self.exact_kept, self.full_marks
        for i in range(size):
            if not alive[i]:
                continue
            try:
                raw_weight, raw_given = written_weights[i], givens[i]
                weight = decimals.get(raw_weight) if type(raw_weight) is int else None
                if weight is None:
                    weight = _decimal(raw_weight)
                    if weight is None:
                        raise _RefusedRowError  # LEAF_WITHOUT_WEIGHT: the full path reports it
                given = decimals.get(raw_given) if type(raw_given) is int else None
                if given is None:
                    given = _decimal(raw_given)
                weights[i] = weight
                printed[i] = given
                scored: Scored | None = None
                target, actual = targets[i], actuals[i]
                if given is not None and target and actual and not params[i]:
                    if type(target) is not str:
                        target = str(target)
                    if type(actual) is not str:
                        actual = str(actual)
                    t, t_unit = quantity(target)
                    a, a_unit = quantity(actual)
                    if t is not None and a is not None:
                        if t_unit != a_unit and t_unit and a_unit:
                            a = (
                                convert(a, a_unit, t_unit)
                                if units_compatible(t_unit, a_unit)
                                else None
                            )
                        exact = met = None  # met is set wherever exact is
                        if a is None:
                            pass  # UNIT_MISMATCH
                        elif positive:
                            if t > ZERO:
                                met = a >= t
                                exact = weight if met else a / t * weight
                        else:
                            met = a <= t
                            if met:
                                exact = weight
                            elif t > ZERO:
                                exact = (
                                    t / a * weight
                                    if reverse_ratio
                                    else (ONE - (a - t) / t) * weight
                                )
                        if exact is not None and met and exact_kept and given == weight:
                            # full points printed for a target met: what _as_printed and
                            # _achieved give (no finding), without the calls
                            full = full_marks.get(weight)
                            if full is None:
                                full = full_marks[weight] = weight.quantize(
                                    self.quantum, self.rounding
                                )
                            scored = (full, ())
                        elif exact is not None:
                            note, rationale = notes[i], rationales[i]
                            noted = bool(note and note.strip())
                            reasoned = bool(rationale and rationale.strip())
                            rounded = self._as_printed(exact, weight, given)
                            if rounded is not None:
                                scored = self._achieved(
                                    rounded, weight, given, met, noted, reasoned, target, actual
                                )
                            else:  # a printed score out of range, or not the method's
                                scored = self._reported(
                                    method, weight, given, target, actual, noted, reasoned
                                )
                if scored is None:
                    scored = self._looked_up(column[i], method)
                values[i], problems = scored
                if problems:
                    self._record(i, order, chain, problems)
            except _ROW_ERRORS:
                alive[i] = False
        return values, weights, printed

    def _reported(
        self,
        method: str,
        weight: Decimal,
        given: Decimal,
        target: str,
        actual: str,
        noted: bool,
        reasoned: bool,
    ) -> Scored:
        """A ratio row the audit reports on its printed score: the method's own outcome (for
        its formula text) and every check of the row, as :func:`audit.score_problems` makes
        them (:func:`audit.leaf_problems`, the same code)."""
        scoring = REGISTRY[method]
        indicator = Indicator(
            "", "", weight, (), target, actual, self.specs[method], EMPTY, given, None, "",
            "", "", False, None, None, "", "",
        )  # fmt: skip
        outcome = scoring.outcome(indicator, weight, self.plain)
        value = outcome.value
        computed = None if value is None else self.rules.round(max(ZERO, min(weight, value)))
        problems = self._leaf_problems(
            outcome, computed, scoring.title, weight, given, target, actual, noted, reasoned
        )
        return (ZERO if computed is None else computed), problems

    def _leaf_problems(
        self,
        outcome: Outcome | None,
        computed: Decimal | None,
        title: str,
        weight: Decimal,
        given: Decimal | None,
        target: str | None,
        actual: str | None,
        noted: bool,
        reasoned: bool,
    ) -> tuple[Problem, ...]:
        """The audit's checks of a leaf row (no manual score, not 执行率) whose method's outcome
        is known: the :class:`audit.Leaf` that ``_leaf_of`` would make, and
        :func:`audit.leaf_problems`."""
        below_full = given is not None and given < weight
        leaf = Leaf(
            given, None, weight, computed, title, False, target, actual,
            below_full and noted, below_full and reasoned, None,
        )  # fmt: skip
        return leaf_problems(leaf, outcome, self.rules)

    def _achieved(
        self,
        rounded: Decimal,
        weight: Decimal,
        given: Decimal,
        met: bool | None,
        noted: bool,
        reasoned: bool,
        target: str | None,
        actual: str | None,
    ) -> Scored:
        """A row whose printed score the method gives: what the achievement checks say."""
        below_full = given < weight
        if (met is False and not below_full) or (
            below_full and not noted and (met or not reasoned)
        ):
            row = AchievementRow(
                met, given, weight, rounded, noted, reasoned, target is None, target, actual
            )
            return rounded, achievement_problems(row)
        return rounded, ()

    def _looked_up(self, node: Mapping[str, Any], method: Any) -> Scored:
        """A row from the memo, or through the real path (and then kept in the memo)."""
        key = _row_key(node)
        memo: dict[tuple[Any, ...], Row] = _bounded(self.memo, method)
        row = memo.get(key)
        if row is None:
            row = memo[key] = self._row(node, key, method)
        return row[0], row[1]

    def _row(self, node: Mapping[str, Any], key: tuple[Any, ...], method: Any) -> Row:
        """A row the memo has not seen. The method's outcome reads only the row's target,
        actual, weight, facts and parameters, so it comes from a second memo keyed on those;
        the checks of the row (:func:`audit.leaf_problems`) then read its printed score and
        notes. A new outcome comes from the real path (its indicator and ``score_leaf``)."""
        get = node.get
        weight = _decimal(get("weight"))
        if weight is None:
            raise _RefusedRowError  # LEAF_WITHOUT_WEIGHT: the full path reports it
        given = _decimal(get("published_score"))
        outcomes: dict[tuple[Any, ...], Known] = _bounded(self.outcomes, method)
        target, actual, weight_key, _, noted, reasoned, facts, params = key
        outcome_key = (target, actual, weight_key, facts, params)
        held = outcomes.get(outcome_key)
        if held is None:
            score = score_leaf(cases.indicator_from_trusted(node), (), self.plain)
            indicator = score.indicator
            held = outcomes[outcome_key] = (
                score.outcome,
                score.computed,
                score.method,
                indicator.target,
                indicator.actual,
            )
        outcome, computed, title, target_text, actual_text = held
        problems = self._leaf_problems(
            outcome, computed, title, weight, given, target_text, actual_text, noted, reasoned
        )
        value = computed if computed is not None else given  # manual scores take the full path
        return (ZERO if value is None else value), problems, weight, given

    def _execution(
        self, column: list[Any], chain: tuple[list[Any], ...], order: int
    ) -> tuple[list[Decimal], list[Decimal], list[Decimal | None]]:
        """The 执行率 slot: it reads each table's budget, so it is not memoised."""
        alive, size, keys = self.alive, self.size, _LEAF_KEYS
        values = [ZERO] * size
        weights = [ZERO] * size
        printed: list[Decimal | None] = [None] * size
        rules = self.rules
        for i, node in enumerate(column):
            if not alive[i]:
                continue
            get = node.get
            try:
                if get("method") != _EXECUTION or not node.keys() <= keys:
                    raise _RefusedRowError
                weight = _decimal(get("weight"))
                if weight is None:
                    raise _RefusedRowError
                given = _decimal(get("published_score"))
                scored = None
                if not get("params") and not get("target") and not get("actual"):
                    scored = self._rate(i, weight, given, _written(get("deviation_note")))
                if scored is None:
                    scored = self._real(node, ScoringContext(rules, self.budgets[i]))
                value, problems = scored
                if problems:
                    self._record(i, order, chain, problems)
            except _ROW_ERRORS:
                alive[i] = False
                continue
            weights[i] = weight
            printed[i] = given
            if value is not None:
                values[i] = value
        return values, weights, printed

    def _real(self, node: Mapping[str, Any], ctx: ScoringContext) -> Scored:
        """One row through the real path: its score of record (0 when it has none: MISSING
        counts 0) and what the audit says of it."""
        score = score_leaf(cases.indicator_from_trusted(node), (), ctx)
        value = score.value
        return ZERO if value is None else value, score_problems(score, self.rules)

    # By formula ---------------------------------------------------------------------------------
    # The arithmetic of Execution, RatioPositive and RatioNegative, and the conditions of every
    # check in audit._check_score: None whenever one of them might report the row.

    def _rate(self, i: int, weight: Decimal, given: Decimal | None, noted: bool) -> Scored | None:
        """A 执行率 row (no target or actual cell, no parameters)."""
        budget = self.budgets[i]
        if budget is None or given is None:
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
        rounded = self._as_printed(exact, weight, given)
        if rounded is None:
            return None
        return self._achieved(rounded, weight, given, None, noted, True, None, None)

    def _as_printed(self, exact: Decimal, weight: Decimal, given: Decimal) -> Decimal | None:
        """The method's score, rounded by the rule set, when ``given`` is printed from it;
        None when a check on the printed score would report it (SCORE_EXCEEDS_WEIGHT,
        SCORE_METHOD_MISMATCH, ROUNDING_VARIANT, …)."""
        if given > weight or given < ZERO:
            return None
        clamped = weight if exact > weight else ZERO if exact < ZERO else exact
        rounded = clamped.quantize(self.quantum, self.rounding)
        if (
            (clamped == given and self.exact_kept)  # full points, as a rule
            or (rounded == given and given.same_quantum(rounded))  # as the rules round it
            or printed_matches(clamped, given, self.rules)
        ):
            return rounded
        return None


def _first(row: tuple[int, Any, Any]) -> int:
    return row[0]
