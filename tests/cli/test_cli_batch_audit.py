"""``jixiao audit PATH... --workbook OUT.xlsx``: the workbook beside the usual output."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from jixiao.cli import app

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
PLATFORM = SEEDS / "000-jiaxing-platform-self.yaml"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_workbook_for_the_seeds_and_exit_code_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "审核.xlsx"
    result = run("audit", SEEDS, "--workbook", out)
    assert result.exit_code == 1  # the industry seed has errors, as without --workbook
    assert "已写出审核工作簿" in result.stderr
    book = load_workbook(out)
    assert book.sheetnames == ["汇总", "问题明细", "无法读取"]
    assert book["汇总"].max_row == 9
    assert book["无法读取"].max_row == 1


def test_json_stays_pure_and_clean_file_exits_zero(tmp_path: Path) -> None:
    out = tmp_path / "a.xlsx"
    result = run("audit", "--json", PLATFORM, "--workbook", out)
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 1
    assert load_workbook(out)["汇总"].max_row == 2


def test_unreadable_files_land_in_the_workbook_and_exit_two(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("meta: [\n", encoding="utf-8")
    archive = tmp_path / "more.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(PLATFORM, PLATFORM.name)
    out = tmp_path / "out.xlsx"
    result = run("audit", tmp_path / "broken.yaml", archive, PLATFORM, "--workbook", out)
    assert result.exit_code == 2
    book = load_workbook(out)
    assert book["汇总"].max_row == 3  # the plain file and the one in the zip
    assert [r[0] for r in book["无法读取"].iter_rows(min_row=2, values_only=True)] == [
        str(tmp_path / "broken.yaml")
    ]


def test_workbook_that_cannot_be_written(tmp_path: Path) -> None:
    result = run("audit", PLATFORM, "--workbook", tmp_path / "nope" / "a.xlsx")
    assert result.exit_code == 2
    assert "无法写出" in result.stderr
