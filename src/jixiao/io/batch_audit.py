"""Audit many case files at once and write one workbook (issue #4): 汇总, 问题明细, 无法读取.

Input is any mix of case files (.yaml/.yml/.json), 自评表 (.xlsx/.docx), folders and .zip
archives. Every file found is accounted for: it either becomes a row of 汇总 or a row of
无法读取 with its reason in Chinese; nothing is dropped.

Zip archives are opened defensively (:func:`expand_zip`): the archive and each member have size
limits, the member count is capped, members whose declared size lies are cut off, unsafe paths
(``..``, absolute, drive letters, symlinks) are refused, nested archives are not opened.
"""

from __future__ import annotations

import dataclasses
import io
import re
import stat
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from jixiao.core.audit import Finding, Severity
from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.review import TableReport, review
from jixiao.core.rules import RuleSet, RuleSetError
from jixiao.core.scoring import MethodInputError
from jixiao.core.text import Text
from jixiao.io import rulesets
from jixiao.io.cases import CaseError
from jixiao.io.import_selfeval import CASE_SUFFIXES, load_any

MB = 1024 * 1024
MAX_ZIP_BYTES = 200 * MB
MAX_MEMBER_BYTES = 20 * MB
MAX_MEMBERS = 5000
MAX_TOTAL_BYTES = 1024 * MB  # all members together, uncompressed
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a local file header; an empty archive
ARCHIVE_SUFFIXES = (".zip", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".xz")
_CHUNK = 1024 * 1024

Progress = Callable[[int, int], None]

SEVERITY_LABEL = {Severity.ERROR: "错误", Severity.WARNING: "警告", Severity.INFO: "提示"}
SUMMARY_HEADERS = (
    "文件",
    "项目",
    "部门",
    "规则集",
    "发布总分",
    "重新计算总分",
    "发布等级",
    "重新计算等级",
    "错误数",
    "警告数",
    "提示数",
    "状态",
)
FINDING_HEADERS = ("文件", "代码", "严重程度", "指标", "说明", "指纹")
UNREADABLE_HEADERS = ("文件", "原因")


class BatchError(Exception):
    """The whole input is refused (e.g. a corrupt or oversized zip). ``str()`` is Chinese, a
    :class:`~jixiao.core.text.Text` that a user interface can translate."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Source:
    """One file to audit: where it is on disk and the name the user knows it by."""

    path: Path
    name: str


@dataclass(frozen=True)
class Unreadable:
    file: str
    reason: str


@dataclass(frozen=True)
class FileResult:
    """One row of 汇总, with its findings for 问题明细."""

    file: str
    department: str
    report: TableReport

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.report.findings if f.severity == severity)

    @property
    def status(self) -> str:
        if self.count(Severity.ERROR):
            return "有错误"
        if self.count(Severity.WARNING):
            return "有警告"
        return "通过"


@dataclass(frozen=True)
class BatchResult:
    files: tuple[FileResult, ...] = ()
    unreadable: tuple[Unreadable, ...] = ()

    @property
    def findings(self) -> Iterator[tuple[str, Finding]]:
        for result in self.files:
            for finding in result.report.findings:
                yield result.file, finding


@dataclass
class Expanded:
    """What :func:`expand_zip` found: files extracted to disk and members that were refused."""

    sources: list[Source] = field(default_factory=list)
    unreadable: list[Unreadable] = field(default_factory=list)


# Zip archives ---------------------------------------------------------------------------------


def is_zip_bytes(head: bytes) -> bool:
    """Whether ``head`` (the first bytes of a file) starts like a zip archive."""
    return head[:4] in ZIP_MAGIC


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zips from Chinese Windows store GBK names
    without the UTF-8 flag, which :mod:`zipfile` decodes as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def safe_member_path(name: str) -> PurePosixPath | None:
    """The relative path to extract ``name`` to, or None when it could escape the folder."""
    if "\x00" in name:
        return None
    normalised = name.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"^[A-Za-z]:", normalised):
        return None
    parts = [p for p in normalised.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return PurePosixPath(*parts)


def _is_noise(path: PurePosixPath) -> bool:
    """macOS metadata that Finder adds to every archive; never a user's file."""
    return path.parts[0] == "__MACOSX" or path.name == ".DS_Store" or path.name.startswith("._")


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _open_zip(archive: Path, label: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise BatchError(Text("{name} 不是有效的 zip 压缩包，或文件已损坏", name=label)) from None
    except (OSError, EOFError, ValueError) as error:
        raise BatchError(
            Text("{name} 无法打开（{reason}）", name=label, reason=str(error))
        ) from None


def expand_zip(archive: Path, dest: Path, label: str | None = None) -> Expanded:
    """Extract the case files in ``archive`` under ``dest``, within the limits.

    Refuses the whole archive (:class:`BatchError`) when it is corrupt, larger than
    ``MAX_ZIP_BYTES``, has more than ``MAX_MEMBERS`` entries or more than ``MAX_TOTAL_BYTES``
    uncompressed; refuses single members (listed in ``unreadable``) that are too large, have an
    unsafe path, are encrypted, damaged, or are themselves archives.
    """
    label = label or archive.name
    try:
        size = archive.stat().st_size
    except OSError as error:
        reason = str(error.strerror)
        raise BatchError(Text("{name} 无法读取（{reason}）", name=label, reason=reason)) from None
    if size > MAX_ZIP_BYTES:
        raise BatchError(
            Text(
                "{name} 过大（{size} MB），压缩包上限 {limit} MB",
                name=label,
                size=str(size // MB),
                limit=str(MAX_ZIP_BYTES // MB),
            )
        )
    with archive.open("rb") as handle:
        if not is_zip_bytes(handle.read(4)):
            raise BatchError(Text("{name} 不是 zip 压缩包", name=label))
    expanded = Expanded()
    with _open_zip(archive, label) as zf:
        infos = [i for i in zf.infolist() if not i.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise BatchError(
                Text(
                    "{name} 中的文件过多（{count} 个），上限 {limit} 个",
                    name=label,
                    count=str(len(infos)),
                    limit=str(MAX_MEMBERS),
                )
            )
        declared = sum(i.file_size for i in infos)
        if declared > MAX_TOTAL_BYTES:
            raise BatchError(
                Text(
                    "{name} 解压后过大（{size} MB），上限 {limit} MB",
                    name=label,
                    size=str(declared // MB),
                    limit=str(MAX_TOTAL_BYTES // MB),
                )
            )
        taken: set[PurePosixPath] = set()
        for info in infos:
            name = _member_name(info)
            shown = f"{label}/{name}"
            relative = safe_member_path(name)
            if relative is None or _is_symlink(info):
                expanded.unreadable.append(
                    Unreadable(shown, "路径不安全（绝对路径、.. 或链接），已拒绝")
                )
                continue
            if _is_noise(relative):
                continue
            if relative.suffix.lower() in ARCHIVE_SUFFIXES:
                expanded.unreadable.append(
                    Unreadable(shown, "压缩包中的压缩包不会展开，已忽略；请解压后单独上传")
                )
                continue
            if relative in taken:
                expanded.unreadable.append(
                    Unreadable(shown, "压缩包中有同名文件，已忽略重复的一个")
                )
                continue
            if info.flag_bits & 0x1:
                expanded.unreadable.append(Unreadable(shown, "文件已加密，无法读取"))
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                expanded.unreadable.append(Unreadable(shown, _too_large(info.file_size)))
                continue
            target = dest.joinpath(*relative.parts)
            problem = _extract(zf, info, target)
            if problem:
                expanded.unreadable.append(Unreadable(shown, problem))
                continue
            taken.add(relative)
            expanded.sources.append(Source(target, shown))
    return expanded


def _too_large(size: int) -> str:
    return f"文件过大（{size / MB:.1f} MB，单个文件上限 {MAX_MEMBER_BYTES // MB} MB），已跳过"


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> str:
    """Copy one member to ``target``, counting the bytes actually inflated (a member can lie
    about its size); the reason it failed, or ``""``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    try:
        with zf.open(info) as source, target.open("wb") as sink:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                if written > MAX_MEMBER_BYTES:
                    break
                sink.write(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        target.unlink(missing_ok=True)
        return "压缩包中的这个文件已损坏，无法解压"
    except NotImplementedError:
        target.unlink(missing_ok=True)
        return "压缩方式不受支持，无法解压"
    if written > MAX_MEMBER_BYTES:
        target.unlink(missing_ok=True)
        return _too_large(written)
    return ""


# Finding the files ----------------------------------------------------------------------------


def _walk(folder: Path) -> Iterator[Path]:
    yield from sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def collect(paths: Iterable[Path], workdir: Path) -> Expanded:
    """Every file among ``paths`` (folders searched recursively, zips expanded under
    ``workdir``), in order. A zip that is refused as a whole is one unreadable entry."""
    found = Expanded()
    for index, path in enumerate(paths):
        candidates = list(_walk(path)) if path.is_dir() else [path]
        for candidate in candidates:
            if candidate.suffix.lower() == ".zip":
                try:
                    inner = expand_zip(candidate, workdir / str(index), str(candidate))
                except BatchError as error:
                    found.unreadable.append(Unreadable(str(candidate), str(error)))
                    continue
                found.sources.extend(inner.sources)
                found.unreadable.extend(inner.unreadable)
            else:
                found.sources.append(Source(candidate, str(candidate)))
    return found


# Auditing -------------------------------------------------------------------------------------


def rules_for(document: Case | DepartmentSummary, override: str | None) -> RuleSet:
    """``override``, else the rule set the table names, else its region's and year's."""
    return rulesets.for_table(override or document.rules, document.meta.region, document.meta.year)


def audit_one(source: Source, override: str | None = None) -> FileResult | Unreadable:
    """Review one file; a file that cannot be used becomes :class:`Unreadable`."""
    suffix = source.path.suffix.lower()
    if suffix not in CASE_SUFFIXES:
        kind = suffix or "（无扩展名）"
        return Unreadable(source.name, f"不支持的文件类型 {kind}，应为 {'/'.join(CASE_SUFFIXES)}")
    try:
        document = load_any(source.path)
        report = review(document, rules_for(document, override))
    except CaseError as error:
        return Unreadable(source.name, _case_message(error, source))
    except (RuleSetError, MethodInputError) as error:
        return Unreadable(source.name, str(error))
    except Exception as error:  # a batch never stops on one file: say what happened and go on
        return Unreadable(source.name, f"处理时出错（{type(error).__name__}：{error}）")
    return FileResult(source.name, document.meta.department, report)


def _case_message(error: CaseError, source: Source) -> str:
    """The loader's message without the leading "文件 …：" (the 文件 column says it) and
    with the extracted path replaced by the name the user knows."""
    text = str(dataclasses.replace(error, file=source.name))
    text = text.replace(str(source.path), source.name)
    prefix = f"文件 {source.name}"
    if text.startswith((prefix + "，", prefix + "：")):
        return text[len(prefix) + 1 :]
    return text


def audit_sources(
    sources: Sequence[Source],
    unreadable: Iterable[Unreadable] = (),
    override: str | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Review every source in turn, reporting ``progress(done, total)`` after each."""
    files: list[FileResult] = []
    refused = list(unreadable)
    total = len(sources)
    if progress:
        progress(0, total)
    for done, source in enumerate(sources, start=1):
        outcome = audit_one(source, override)
        if isinstance(outcome, Unreadable):
            refused.append(outcome)
        else:
            files.append(outcome)
        if progress:
            progress(done, total)
    return BatchResult(tuple(files), tuple(refused))


def audit_paths(
    paths: Iterable[Path],
    override: str | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Audit every file among ``paths`` (files, folders, zips)."""
    paths = list(paths)
    if override:
        rulesets.load(override)  # an unknown name fails once, before any file is read
    with tempfile.TemporaryDirectory(prefix="jixiao-batch-") as tmp:
        found = collect(paths, Path(tmp))
        result = audit_sources(found.sources, found.unreadable, override, progress)
    if not result.files and not result.unreadable:
        missing = "、".join(map(str, paths)) or "（无）"
        return BatchResult(unreadable=(Unreadable(missing, "未找到任何文件"),))
    return result


def audit_zip(
    archive: Path,
    label: str | None = None,
    override: str | None = None,
    progress: Progress | None = None,
) -> BatchResult:
    """Audit the files in one uploaded zip; :class:`BatchError` when the zip is refused."""
    label = label or archive.name
    with tempfile.TemporaryDirectory(prefix="jixiao-batch-") as tmp:
        found = expand_zip(archive, Path(tmp), label)
        result = audit_sources(found.sources, found.unreadable, override, progress)
    if not result.files and not result.unreadable:
        return BatchResult(unreadable=(Unreadable(label, "压缩包中没有文件"),))
    return result


# The workbook ---------------------------------------------------------------------------------

Cell = str | int | Decimal | None


def _put(sheet: Worksheet, row: Sequence[Cell]) -> None:
    """Append ``row``; text is kept as text (a name starting with "=" is not a formula) and
    characters that Excel cannot store are dropped."""
    sheet.append([None] * len(row))
    line = sheet.max_row
    for column, value in enumerate(row, start=1):
        cell = sheet.cell(line, column)
        if isinstance(value, str):
            cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
            cell.data_type = "s"
        else:
            cell.value = value


def _sheet(book: Workbook, title: str, headers: Sequence[str], widths: Sequence[int]) -> Worksheet:
    sheet: Worksheet = book.create_sheet(title)
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def summary_row(result: FileResult) -> tuple[Cell, ...]:
    report = result.report
    return (
        result.file,
        report.project,
        result.department,
        report.rules,
        report.published_total,
        report.computed_total,
        report.published_grade,
        report.computed_grade,
        result.count(Severity.ERROR),
        result.count(Severity.WARNING),
        result.count(Severity.INFO),
        result.status,
    )


def workbook(result: BatchResult) -> Workbook:
    book = Workbook()
    if book.active is not None:
        book.remove(book.active)
    summary = _sheet(book, "汇总", SUMMARY_HEADERS, (40, 36, 24, 16, 10, 12, 9, 12, 8, 8, 8, 8))
    for file_result in result.files:
        _put(summary, summary_row(file_result))
    for row in summary.iter_rows(min_row=2, min_col=5, max_col=6):
        for cell in row:
            cell.number_format = "0.00"
    details = _sheet(book, "问题明细", FINDING_HEADERS, (40, 20, 9, 36, 80, 18))
    for name, finding in result.findings:
        _put(
            details,
            (
                name,
                finding.code.value,
                SEVERITY_LABEL[finding.severity],
                finding.path,
                finding.message,
                finding.fingerprint,
            ),
        )
    refused = _sheet(book, "无法读取", UNREADABLE_HEADERS, (40, 100))
    for item in result.unreadable:
        _put(refused, (item.file, item.reason))
    for sheet in (summary, details, refused):
        if sheet.max_row > 1:
            sheet.auto_filter.ref = sheet.dimensions
    return book


def workbook_bytes(result: BatchResult) -> bytes:
    buffer = io.BytesIO()
    workbook(result).save(buffer)
    return buffer.getvalue()


def write_workbook(result: BatchResult, out: Path) -> None:
    out.write_bytes(workbook_bytes(result))
