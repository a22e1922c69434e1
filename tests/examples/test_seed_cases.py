"""Every worked number of the domain guide (§6), reproduced from the transcribed seed tables."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.audit import Code, Severity
from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.review import TableReport, review
from jixiao.io import rulesets
from jixiao.io.cases import load

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def report(name: str, rules: str | None = None) -> TableReport:
    document = load(SEEDS / name)
    chosen = rulesets.load(rules or document.rules or "national")
    return review(document, chosen)


def codes(rep: TableReport, severity: Severity | None = None) -> list[str]:
    return [f.code.value for f in rep.findings if severity is None or f.severity is severity]


def scores_by_name(rep: TableReport) -> dict[str, Decimal | None]:
    assert rep.result is not None
    return {s.indicator.name: s.value for s in rep.result.scores}


class TestJiaxingPlatformSelfEvaluation:
    def test_total_100_grade_excellent_and_clean(self) -> None:
        rep = report("000-jiaxing-platform-self.yaml")
        assert rep.computed_total == Decimal("100") == rep.published_total
        assert rep.computed_grade == "优" == rep.published_grade
        assert rep.findings == ()


class TestJiaxingIndustrySelfEvaluation:
    """Published 98.57, yet 培训合格率 beat its target (95 vs 70) and lost 1.43 points."""

    def test_recomputed_total_is_100_against_published_98_57(self) -> None:
        rep = report("000-jiaxing-industry-self.yaml")
        assert rep.published_total == Decimal("98.57")
        assert rep.computed_total == Decimal("100")
        assert rep.computed_grade == "优" == rep.published_grade

    def test_met_but_deducted_on_training_pass_rate(self) -> None:
        rep = report("000-jiaxing-industry-self.yaml")
        flagged = [f for f in rep.findings if f.code is Code.MET_BUT_DEDUCTED]
        assert len(flagged) == 1
        assert "培训合格率" in flagged[0].path
        assert "23.57/25" in flagged[0].message
        assert sorted(codes(rep)) == ["MET_BUT_DEDUCTED", "SCORE_METHOD_MISMATCH", "TOTAL_MISMATCH"]

    def test_published_parts_do_add_up_to_98_57(self) -> None:
        document = load(SEEDS / "000-jiaxing-industry-self.yaml")
        assert isinstance(document, Case)
        leaves = [
            ind.published_score for ind in _leaves(document.tree.roots) if ind.published_score
        ]
        assert sum(leaves, Decimal(0)) == Decimal("98.57")


class TestJiaxingPolicyEvaluation:
    def test_a20_b27_c50_total_97(self) -> None:
        rep = report("000-jiaxing-policy.yaml")
        scores = scores_by_name(rep)
        assert scores["经济性"] == Decimal("20")
        assert scores["效率性"] == Decimal("27")
        assert scores["有效性"] == Decimal("50")
        assert rep.computed_total == Decimal("97") == rep.published_total
        assert rep.computed_grade == "优"

    def test_checklist_and_knowledge_methods(self) -> None:
        rep = report("000-jiaxing-policy.yaml")
        assert rep.result is not None
        by_code = {s.indicator.code: s for s in rep.result.scores if s.indicator.code}
        assert by_code["A101"].value == Decimal("6")
        assert by_code["B105"].value == Decimal("2")  # 2 of 4 要点 missed, −1 each
        assert by_code["B105"].source.value == "method"
        assert by_code["B201"].value == Decimal("3")  # 比较清楚 → 3
        assert "比较清楚" in by_code["B201"].explanation
        assert rep.findings == ()


class TestJiaxingGuaranteeEvaluation:
    def test_total_100_and_denominator_is_arrived_funds(self) -> None:
        rep = report("000-jiaxing-guarantee.yaml")
        assert rep.computed_total == Decimal("100") == rep.published_total
        scores = {s.indicator.name: s for s in rep.result.scores} if rep.result else {}
        assert "904.03 / 904.03" in scores["预算执行率"].explanation

    def test_text_counts_disagree_with_the_table(self) -> None:
        rep = report("000-jiaxing-guarantee.yaml")
        assert codes(rep) == ["INDICATOR_COUNT_MISMATCH", "INDICATOR_COUNT_MISMATCH"]
        assert all(f.severity is Severity.INFO for f in rep.findings)


class TestJiaxingDepartmentSummary:
    def test_seventeen_rows_every_conclusion_allowed_under_zhejiang(self) -> None:
        document = load(SEEDS / "000-jiaxing-summary.yaml")
        assert isinstance(document, DepartmentSummary)
        assert len(document.rows) == 17
        rep = review(document, rulesets.load("zhejiang"))
        assert Code.GRADE_RULE_VIOLATION.value not in codes(rep)
        assert rep.computed_total == Decimal("1122.34") == rep.published_total

    def test_rounding_seen_is_named(self) -> None:
        rep = report("000-jiaxing-summary.yaml", "zhejiang")
        truncated = [f for f in rep.findings if f.code is Code.ROUNDING_VARIANT]
        assert [f.path for f in truncated] == ["3. 人才工作经费"]
        assert "截断" in truncated[0].message and "77.87" in truncated[0].message
        # 1.69 / 4 is exactly 42.25 %; 42.24 comes from no rounding at all.
        odd = [f for f in rep.findings if f.code is Code.EXECUTION_RATE_MISMATCH]
        assert [f.path for f in odd] == ["16. 新墙材推广工作经费"]
        assert odd[0].severity is Severity.WARNING
        assert not [f for f in rep.findings if f.severity is Severity.ERROR]

    def test_a_changed_conclusion_breaks_the_zhejiang_rule(self, tmp_path: Path) -> None:
        text = (SEEDS / "000-jiaxing-summary.yaml").read_text(encoding="utf-8")
        bad = tmp_path / "summary.yaml"
        # Row 3 (77.86 % executed) promoted from 良 to 优.
        bad.write_text(
            re.sub(r"(published_rate: 77\.86,?\s*conclusion:\s*)良", r"\1优", text),
            encoding="utf-8",
        )
        rep = review(load(bad), rulesets.load("zhejiang"))
        assert codes(rep, Severity.ERROR) == ["GRADE_RULE_VIOLATION"]


class TestXiangtan:
    def test_total_100(self) -> None:
        rep = report("001-xiangtan-service-system.yaml")
        assert rep.computed_total == Decimal("100") == rep.published_total
        assert rep.findings == ()

    def test_sub_points_and_count_shortfall(self) -> None:
        scores = scores_by_name(report("001-xiangtan-service-system.yaml"))
        assert scores["目标内容"] == Decimal("20")
        assert scores["开展丰富多样的公益服务活动"] == Decimal("15")


class TestJiangyou:
    def test_total_94_with_its_deductions(self) -> None:
        rep = report("002-jiangyou-relief-fund.yaml")
        assert rep.computed_total == Decimal("94") == rep.published_total
        assert rep.computed_grade == "优"
        scores = scores_by_name(rep)
        lost = {
            name: (s.weight - s.value)
            for s in (rep.result.scores if rep.result else ())
            if s.indicator.is_leaf and s.value is not None and s.value < s.weight
            for name in [s.indicator.name]
        }
        assert lost == {
            "分配科学": Decimal("1"),
            "执行有效": Decimal("2"),
            "完成及时": Decimal("1"),
            "盈利性": Decimal("2"),
        }
        assert scores["资金结余"] == Decimal("3")
        assert rep.findings == ()

    def test_one_finding_cannot_cost_two_points_at_half_a_point_each(self, tmp_path: Path) -> None:
        text = (SEEDS / "002-jiangyou-relief-fund.yaml").read_text(encoding="utf-8")
        counted = text.replace(
            "published_score: 1\n            rationale: 省级资金未按照30%下拨",
            "published_score: 1\n            facts: {findings: 1}\n"
            "            rationale: 省级资金未按照30%下拨",
        )
        assert counted != text
        variant = tmp_path / "002.yaml"
        variant.write_text(counted, encoding="utf-8")
        rep = review(load(variant), rulesets.load("national"))
        assert codes(rep, Severity.ERROR) == ["SCORE_METHOD_MISMATCH", "TOTAL_MISMATCH"]
        assert rep.computed_total == Decimal("95.5")


class TestZhuzhou:
    def test_95_99_clean_under_national(self) -> None:
        rep = report("004-zhuzhou-warm-enterprise.yaml", "national")
        assert rep.computed_total == Decimal("95.99") == rep.published_total
        assert rep.computed_grade == "优" == rep.published_grade
        assert rep.findings == ()
        scores = scores_by_name(rep)
        assert scores["执行率"] == Decimal("8.99")

    def test_grade_rule_violation_under_zhejiang(self) -> None:
        rep = report("004-zhuzhou-warm-enterprise.yaml", "zhejiang")
        assert rep.computed_total == Decimal("95.99")
        assert rep.computed_grade == "良"
        assert codes(rep, Severity.ERROR) == ["GRADE_RULE_VIOLATION"]
        assert "89.89%" in rep.findings[0].message


@pytest.mark.parametrize("path", sorted(SEEDS.glob("*.yaml")), ids=lambda p: p.name)
def test_transcription_totals_appear_in_the_seed_text(path: Path) -> None:
    """Guard against typos: the published total of each case is printed in its seed."""
    document = load(path)
    seed_id = path.name[:3]
    seed_text = next(SHARED_SEEDS.glob(f"{seed_id}_*.txt")).read_text(encoding="utf-8")
    total = document.published.total or document.published.total_budget
    assert total is not None
    assert str(total) in seed_text


def _leaves(indicators: tuple) -> list:  # type: ignore[type-arg]
    out = []
    for ind in indicators:
        out.extend(_leaves(ind.children) if ind.children else [ind])
    return out
