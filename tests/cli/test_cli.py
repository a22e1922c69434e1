"""The ``jixiao`` command: score, audit (text and --json), rules, exit codes 0/1/2."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from jixiao.cli import app
from jixiao.core.audit import Code, Severity

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
PLATFORM = SEEDS / "000-jiaxing-platform-self.yaml"
INDUSTRY = SEEDS / "000-jiaxing-industry-self.yaml"
SUMMARY = SEEDS / "000-jiaxing-summary.yaml"
ZHUZHOU = SEEDS / "004-zhuzhou-warm-enterprise.yaml"

REPORT_KEYS = {
    "file",
    "project",
    "rules",
    "computed_total",
    "published_total",
    "computed_grade",
    "published_grade",
    "findings",
}
FINDING_KEYS = {"code", "severity", "path", "message", "fingerprint"}

BAD_YAML = "format: jixiao-case/1\ntype: evaluation\nmeta:\n  title: [未闭合\n  year: 2021\n"


def run(*args: str | Path) -> Result:
    # Click ≥ 8.2: result.output interleaves stdout and stderr; result.stdout / result.stderr
    # hold each stream alone.
    return CliRunner().invoke(app, [str(a) for a in args])


def audit_json(*args: str | Path) -> tuple[Result, list[dict[str, Any]]]:
    result = run("audit", "--json", *args)
    reports = json.loads(result.stdout)  # stdout carries only the JSON
    assert isinstance(reports, list)
    return result, reports


def not_crashed(result: Result) -> None:
    """Exited through typer.Exit, not an exception; no traceback for the user."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output


# score --------------------------------------------------------------------------------------


def test_score_zhuzhou_prints_total_grade_and_formula() -> None:
    result = run("score", ZHUZHOU)
    not_crashed(result)
    assert result.exit_code == 0, result.output
    assert "95.99" in result.stdout
    assert "优" in result.stdout
    assert "215.2 / 239.4" in result.stdout
    assert "national@" in result.stdout


def test_score_folder_exits_0() -> None:
    result = run("score", SEEDS)
    not_crashed(result)
    assert result.exit_code == 0, result.output
    assert "温暖企业行动" in result.stdout
    assert "全年预算数合计 1122.34" in result.stdout  # the department summary


def test_score_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    result = run("score", bad)
    not_crashed(result)
    assert result.exit_code == 2
    assert str(bad) in result.stderr


# audit --------------------------------------------------------------------------------------


def test_audit_clean_table_exits_0() -> None:
    result = run("audit", PLATFORM)
    not_crashed(result)
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.stdout


def test_audit_industry_exits_1_with_met_but_deducted() -> None:
    result = run("audit", INDUSTRY)
    not_crashed(result)
    assert result.exit_code == 1, result.output
    line = next(ln for ln in result.stdout.splitlines() if "MET_BUT_DEDUCTED" in ln)
    assert "培训合格率" in line


def test_audit_warnings_alone_exit_0() -> None:
    _, reports = audit_json(SUMMARY)
    severities = {f["severity"] for f in reports[0]["findings"]}
    assert severities and "error" not in severities
    assert run("audit", SUMMARY).exit_code == 0


def test_audit_rules_override() -> None:
    zhejiang = run("audit", ZHUZHOU, "--rules", "zhejiang")
    not_crashed(zhejiang)
    assert zhejiang.exit_code == 1, zhejiang.output
    assert "GRADE_RULE_VIOLATION" in zhejiang.stdout
    national = run("audit", ZHUZHOU, "--rules", "national")
    assert national.exit_code == 0, national.output
    assert "GRADE_RULE_VIOLATION" not in national.stdout


def test_audit_json_shape_on_folder() -> None:
    result, reports = audit_json(SEEDS)
    assert result.exit_code == 1  # 000-jiaxing-industry-self has error findings
    assert len(reports) == len(list(SEEDS.glob("*.yaml")))
    assert [r["file"] for r in reports] == [str(p) for p in sorted(SEEDS.glob("*.yaml"))]
    codes = {c.value for c in Code}
    severities = {s.value for s in Severity}
    for report in reports:
        assert set(report) == REPORT_KEYS, report["file"]
        assert isinstance(report["project"], str) and report["project"]
        assert report["rules"].count("@") == 1
        for key in ("computed_total", "published_total"):
            assert report[key] is None or isinstance(report[key], str)
        for finding in report["findings"]:
            assert set(finding) == FINDING_KEYS
            assert finding["code"] in codes
            assert finding["severity"] in severities
            assert len(finding["fingerprint"]) == 16
            int(finding["fingerprint"], 16)
    by_file = {Path(r["file"]).name: r for r in reports}
    industry = by_file[INDUSTRY.name]
    assert industry["computed_total"] == "100"
    assert industry["published_total"] == "98.57"
    assert industry["computed_grade"] == "优"
    assert industry["rules"].startswith("zhejiang@")
    summary = by_file[SUMMARY.name]
    assert summary["computed_total"] == "1122.34"
    assert summary["published_total"] == "1122.34"
    assert summary["computed_grade"] is None
    assert summary["published_grade"] is None


def test_fingerprints_are_stable_and_independent_of_the_path(tmp_path: Path) -> None:
    _, first = audit_json(INDUSTRY)
    _, second = audit_json(INDUSTRY)
    copy = tmp_path / "elsewhere" / "renamed.yaml"
    copy.parent.mkdir()
    shutil.copy(INDUSTRY, copy)
    _, moved = audit_json(copy)

    def prints(reports: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return [(f["code"], f["path"], f["fingerprint"]) for f in reports[0]["findings"]]

    assert prints(first) == prints(second)
    assert prints(first) == prints(moved)
    assert moved[0]["file"] == str(copy)
    assert len({f for _, _, f in prints(first)}) == len(prints(first))  # distinct ids


def test_fingerprint_rule_as_documented() -> None:
    _, reports = audit_json(INDUSTRY)
    identity = "浙江省嘉兴市|2021|嘉兴市经济和信息化局|产业发展及结构调整经费|自评"
    for finding in reports[0]["findings"]:
        text = f"{identity}\x1f{finding['code']}\x1f{finding['path']}"
        assert finding["fingerprint"] == hashlib.sha256(text.encode()).hexdigest()[:16]


def test_audit_unreadable_file_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_YAML, encoding="utf-8")
    result = run("audit", bad)
    not_crashed(result)
    assert result.exit_code == 2
    assert str(bad) in result.stderr
    assert "第 5 行" in result.stderr  # the parser notices the unclosed `[` on line 5
    assert "无法读取" in result.stderr


def test_audit_non_finite_number_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "nan.yaml"
    bad.write_text(
        PLATFORM.read_text(encoding="utf-8").replace("weight: 10", "weight: .nan", 1),
        encoding="utf-8",
    )
    result = run("audit", bad)
    not_crashed(result)
    assert result.exit_code == 2
    assert str(bad) in result.stderr


def test_folder_with_good_and_bad_file(tmp_path: Path) -> None:
    shutil.copy(PLATFORM, tmp_path / "good.yaml")
    (tmp_path / "bad.yaml").write_text(BAD_YAML, encoding="utf-8")
    result = run("audit", tmp_path)
    not_crashed(result)
    assert result.exit_code == 2
    assert "嘉兴市企业服务平台运营项目" in result.stdout
    assert "未发现问题" in result.stdout
    assert "bad.yaml" in result.stderr

    result, reports = audit_json(tmp_path)
    assert result.exit_code == 2
    assert [Path(r["file"]).name for r in reports] == ["good.yaml"]
    assert "bad.yaml" in result.stderr


def test_empty_folder_exits_2(tmp_path: Path) -> None:
    result = run("audit", tmp_path)
    not_crashed(result)
    assert result.exit_code == 2
    assert "未找到案例文件" in result.stderr


def test_unknown_rules_exits_2_in_chinese() -> None:
    for command in ("audit", "score"):
        result = run(command, PLATFORM, "--rules", "nope")
        not_crashed(result)
        assert result.exit_code == 2
        assert "未知规则集" in result.stderr
        assert "nope" in result.stderr
        assert "national" in result.stderr and "zhejiang" in result.stderr
        assert result.stdout == ""


def test_rules_lists_rule_sets() -> None:
    result = run("rules")
    assert result.exit_code == 0
    assert "national@" in result.stdout
    assert "zhejiang@" in result.stdout
    assert "浙江" in result.stdout


# The installed entry point -------------------------------------------------------------------


def test_installed_entry_point() -> None:
    executable = Path(sys.executable).parent / "jixiao"
    assert executable.exists(), executable
    done = subprocess.run(
        [str(executable), "audit", "--json", str(INDUSTRY)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    reports = json.loads(done.stdout)
    assert reports[0]["published_total"] == "98.57"
    assert "Traceback" not in done.stderr
