"""PDF renderers: the Word file, converted by LibreOffice headless.

LibreOffice (not an HTML renderer) because the PDF must look like the .docx a department files:
one layout, one set of merges, page setup and fonts, whatever the format. Each conversion runs
with its own user profile (two conversions sharing the default profile lose one PDF silently)
and with a fontconfig file that maps 宋体/黑体 to the Noto CJK fonts, so the Chinese is embedded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from jixiao.core.tables import TableKind
from jixiao.io import docx_export
from jixiao.io.exporters import BaseExporter, register
from jixiao.io.table_grid import Grid

TIMEOUT_SECONDS = 120


class PdfConversionError(RuntimeError):
    """LibreOffice is missing or failed; the message is for the user."""


def soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise PdfConversionError("未安装 LibreOffice，无法生成 PDF（make setup 会以 root 安装）")


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert a .docx to PDF with a private LibreOffice profile; A4 and fonts as in the file."""
    fonts = resources.files("jixiao.io") / "fonts" / "fonts.conf"
    with tempfile.TemporaryDirectory(prefix="jixiao-pdf-") as work:
        folder = Path(work)
        source = folder / "table.docx"
        source.write_bytes(docx)
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts), "HOME": str(folder)}
        command = [
            soffice(),
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(
                command, env=env, capture_output=True, timeout=TIMEOUT_SECONDS, check=True
            )
        except subprocess.TimeoutExpired:
            raise PdfConversionError("生成 PDF 超时") from None
        except subprocess.CalledProcessError as error:
            detail = error.stderr.decode(errors="replace").strip()[:200]
            raise PdfConversionError(f"LibreOffice 转换 PDF 失败：{detail}") from None
        target = folder / "table.pdf"
        if not target.is_file():
            raise PdfConversionError("LibreOffice 没有生成 PDF")
        return target.read_bytes()


class PdfExporter(BaseExporter):
    format = "pdf"
    extension = ".pdf"
    mimetype = "application/pdf"

    def render_grid(self, grid: Grid) -> bytes:
        return docx_to_pdf(docx_export.document_bytes(grid))


@register
class SelfEvaluationPdf(PdfExporter):
    identifier = "self_pdf"
    verbose_name = "项目支出绩效自评表（PDF）"
    table = TableKind.SELF


@register
class ScoringPdf(PdfExporter):
    identifier = "scoring_pdf"
    verbose_name = "评价指标计分表（PDF）"
    table = TableKind.SCORING


@register
class SummaryPdf(PdfExporter):
    identifier = "summary_pdf"
    verbose_name = "部门绩效自评结果汇总表（PDF）"
    table = TableKind.SUMMARY


@register
class ScoreSheetPdf(PdfExporter):
    identifier = "score_sheet_pdf"
    verbose_name = "绩效评价得分表（PDF）"
    table = TableKind.SCORE_SHEET


@register
class CompletionPdf(PdfExporter):
    identifier = "completion_pdf"
    verbose_name = "专项支出绩效评价指标完成情况表（PDF）"
    table = TableKind.COMPLETION
