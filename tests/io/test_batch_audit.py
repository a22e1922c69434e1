"""Batch audit: many files or a zip → one workbook (汇总, 问题明细, 无法读取); zip limits."""

from __future__ import annotations

import io
import shutil
import stat
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from jixiao.io import batch_audit
from jixiao.io.batch_audit import (
    BatchError,
    BatchResult,
    audit_paths,
    audit_zip,
    expand_zip,
    is_zip_bytes,
    safe_member_path,
    workbook_bytes,
)

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "examples" / "seeds"
INDUSTRY = "000-jiaxing-industry-self.yaml"
BAD_YAML = "format: jixiao-case/1\ntype: evaluation\nmeta:\n  title: [未闭合\n  year: 2021\n"


def sheets(result: BatchResult) -> dict[str, list[tuple[object, ...]]]:
    book = load_workbook(io.BytesIO(workbook_bytes(result)))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def seeds_zip(path: Path, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for seed in sorted(SEEDS.glob("*.yaml")):
            zf.write(seed, f"cases/{seed.name}")
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path


def test_seeds_one_row_each_numbers_as_numbers_and_nothing_unreadable() -> None:
    progress: list[tuple[int, int]] = []
    result = audit_paths([SEEDS], progress=lambda done, total: progress.append((done, total)))
    data = sheets(result)
    assert list(data) == ["汇总", "问题明细", "无法读取"]
    header, *rows = data["汇总"]
    assert header == batch_audit.SUMMARY_HEADERS
    assert len(rows) == 8
    assert data["无法读取"] == [("文件", "原因")]
    by_name = {Path(str(r[0])).name: r for r in rows}
    industry = by_name[INDUSTRY]
    assert industry[1] == "产业发展及结构调整经费"
    assert industry[2] == "嘉兴市经济和信息化局"
    assert industry[4] == pytest.approx(98.57) and isinstance(industry[4], float)
    assert industry[5] == 100
    assert industry[8:] == (2, 1, 0, "有错误")
    assert all(isinstance(r[8], int) and isinstance(r[5], int | float) for r in rows)
    assert progress[0] == (0, 8) and progress[-1] == (8, 8) and len(progress) == 9


def test_findings_sheet_lists_the_industry_seeds_findings() -> None:
    result = audit_paths([SEEDS])
    header, *details = sheets(result)["问题明细"]
    assert header == batch_audit.FINDING_HEADERS
    industry = [r for r in details if str(r[0]).endswith(INDUSTRY)]
    expected = next(f for f in result.files if f.file.endswith(INDUSTRY)).report.findings
    assert len(industry) == len(expected) == 3
    assert {r[5] for r in industry} == {f.fingerprint for f in expected}
    assert {r[2] for r in industry} == {"错误", "警告"}
    assert len(details) == sum(len(f.report.findings) for f in result.files)


def test_unreadable_files_are_listed_with_chinese_reasons(tmp_path: Path) -> None:
    shutil.copy(SEEDS / INDUSTRY, tmp_path / INDUSTRY)
    (tmp_path / "broken.yaml").write_text(BAD_YAML, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("随便写写", encoding="utf-8")
    data = sheets(audit_paths([tmp_path]))
    assert len(data["汇总"]) == 2
    reasons = {Path(str(f)).name: str(r) for f, r in data["无法读取"][1:]}
    assert set(reasons) == {"broken.yaml", "notes.txt"}
    assert "第 4 行" in reasons["broken.yaml"]
    assert "不支持的文件类型 .txt" in reasons["notes.txt"]
    assert str(tmp_path) not in reasons["broken.yaml"]  # the 文件 column names the file


def test_missing_path_and_empty_folder_are_reported(tmp_path: Path) -> None:
    result = audit_paths([tmp_path / "nope.yaml"])
    assert [u.reason for u in result.unreadable] == ["文件不存在"]
    (tmp_path / "empty").mkdir()
    assert audit_paths([tmp_path / "empty"]).unreadable[0].reason == "未找到任何文件"


def test_a_zip_of_the_seeds(tmp_path: Path) -> None:
    archive = seeds_zip(tmp_path / "seeds.zip", {"__MACOSX/._x.yaml": b"junk", "read.txt": b"x"})
    result = audit_zip(archive, "上传.zip")
    assert len(result.files) == 8
    assert all(f.file.startswith("上传.zip/cases/") for f in result.files)
    assert [(u.file, u.reason[:8]) for u in result.unreadable] == [
        ("上传.zip/read.txt", "不支持的文件类型")
    ]


def test_zip_refused_when_corrupt_or_not_a_zip(tmp_path: Path) -> None:
    good = seeds_zip(tmp_path / "good.zip").read_bytes()
    corrupt = tmp_path / "corrupt.zip"
    corrupt.write_bytes(good[: len(good) // 2])
    with pytest.raises(BatchError, match="不是有效的 zip 压缩包"):
        audit_zip(corrupt)
    text = tmp_path / "fake.zip"
    text.write_text("not a zip", encoding="utf-8")
    with pytest.raises(BatchError, match="不是 zip 压缩包"):
        audit_zip(text)
    # given among paths, a refused zip is one unreadable row, not an exception
    result = audit_paths([corrupt])
    assert result.unreadable[0].file == str(corrupt)
    assert "已损坏" in result.unreadable[0].reason


def test_zip_refused_when_too_large_or_too_many_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = seeds_zip(tmp_path / "seeds.zip")
    monkeypatch.setattr(batch_audit, "MAX_ZIP_BYTES", 100)
    with pytest.raises(BatchError, match="过大"):
        audit_zip(archive)
    monkeypatch.undo()
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(batch_audit.MAX_MEMBERS + 1):
            zf.writestr(f"{i}.yaml", b"")
    with pytest.raises(BatchError, match=r"文件过多.*5001 个"):
        audit_zip(many)


def test_zip_bomb_member_is_cut_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_audit, "MAX_MEMBER_BYTES", 1024 * 1024)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.yaml", b"0" * (3 * 1024 * 1024))  # declares its size
    assert bomb.stat().st_size < 20_000
    result = audit_zip(bomb)
    assert result.files == ()
    assert "文件过大" in result.unreadable[0].reason
    # a member that lies about its size is stopped while inflating
    liar = tmp_path / "liar.zip"
    liar.write_bytes(
        bomb.read_bytes().replace((3 * 1024 * 1024).to_bytes(4, "little"), b"\x10\0\0\0")
    )
    expanded = expand_zip(liar, tmp_path / "out")
    assert expanded.sources == []
    assert expanded.unreadable[0].reason.startswith(("文件过大", "压缩包中的这个文件已损坏"))
    assert not any((tmp_path / "out").rglob("*.yaml"))


def test_zip_bomb_total_size_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_audit, "MAX_TOTAL_BYTES", 1024 * 1024)
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(3):
            zf.writestr(f"{i}.yaml", b"0" * (512 * 1024))
    with pytest.raises(BatchError, match="解压后过大"):
        audit_zip(bomb)


def test_traversal_symlinks_and_nested_zips_are_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    link = zipfile.ZipInfo("link.yaml")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../escape.yaml", BAD_YAML)
        zf.writestr("/etc/abs.yaml", BAD_YAML)
        zf.writestr("C:/win.yaml", BAD_YAML)
        zf.writestr(link, "/etc/passwd")
        zf.writestr("inner.zip", b"PK\x05\x06" + b"\0" * 18)
        zf.write(SEEDS / INDUSTRY, "ok/" + INDUSTRY)
    dest = tmp_path / "dest"
    dest.mkdir()
    result = audit_zip(archive, "evil.zip")
    assert [f.file for f in result.files] == [f"evil.zip/ok/{INDUSTRY}"]
    reasons = {u.file.removeprefix("evil.zip/"): u.reason for u in result.unreadable}
    assert set(reasons) == {
        "../escape.yaml",
        "/etc/abs.yaml",
        "C:/win.yaml",
        "link.yaml",
        "inner.zip",
    }
    assert all("路径不安全" in reasons[n] for n in ("../escape.yaml", "/etc/abs.yaml", "link.yaml"))
    assert "不会展开" in reasons["inner.zip"]
    assert not (tmp_path / "escape.yaml").exists()


def test_safe_member_path() -> None:
    assert str(safe_member_path("a/./b.yaml")) == "a/b.yaml"
    assert str(safe_member_path("a\\b.yaml")) == "a/b.yaml"
    for bad in ("../x", "a/../../x", "/x", "\\x", "C:x", "", "a/\x00"):
        assert safe_member_path(bad) is None, bad


def test_gbk_member_names_are_decoded(tmp_path: Path) -> None:
    archive = tmp_path / "gbk.zip"
    name = "自评表/产业.yaml"
    raw = name.encode("gbk")
    placeholder = b"x" * (len(raw) - 5) + b".yaml"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:  # as Windows' zip writes it: GBK, no UTF-8 flag
        zf.writestr(placeholder.decode(), (SEEDS / INDUSTRY).read_bytes())
    archive.write_bytes(buffer.getvalue().replace(placeholder, raw))
    result = audit_zip(archive, "gbk.zip")
    assert [f.file for f in result.files] == [f"gbk.zip/{name}"]


def test_text_that_looks_like_a_formula_stays_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(SEEDS / INDUSTRY, tmp_path / "=1+1.yaml")
    monkeypatch.chdir(tmp_path)
    book = load_workbook(io.BytesIO(workbook_bytes(audit_paths([Path("=1+1.yaml")]))))
    assert book["汇总"]["A2"].value == "=1+1.yaml"
    assert book["汇总"]["A2"].data_type == "s"


def test_magic_bytes() -> None:
    assert is_zip_bytes(b"PK\x03\x04rest")
    assert not is_zip_bytes(b"%PDF-1.4")


def test_numbers_are_decimals_in_the_result() -> None:
    result = audit_paths([SEEDS / INDUSTRY])
    assert result.files[0].report.published_total == Decimal("98.57")
