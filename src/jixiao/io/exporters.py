"""Exporters of the official tables: one contract, one registry (pretix ``BaseExporter`` style).

An exporter is a small class naming its table and format; ``render`` builds the report model
(:mod:`jixiao.core.tables`), lays it out (:mod:`jixiao.io.table_grid`) and paints it. Adding a
format is adding a module with a base class for the format and one registered class per table,
as ``xlsx_export`` and ``docx_export`` do.
"""

from __future__ import annotations

import importlib
import re
from abc import ABC, abstractmethod
from typing import ClassVar, NamedTuple, TypeVar

from jixiao.core.case import Case, DepartmentSummary
from jixiao.core.review import TableReport
from jixiao.core.score_sheets import CompletionTable, ScoreSheet
from jixiao.core.tables import Table, TableHead, TableKind, build_table
from jixiao.io.table_grid import Grid, grid_for

BUILTIN_MODULES = ("jixiao.io.xlsx_export", "jixiao.io.docx_export", "jixiao.io.pdf_export")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


class ExportFile(NamedTuple):
    filename: str
    mimetype: str
    content: bytes


class BaseExporter(ABC):
    identifier: ClassVar[str]  # "self_xlsx"
    verbose_name: ClassVar[str]  # "项目支出绩效自评表（Excel）"
    table: ClassVar[TableKind]
    format: ClassVar[str]  # "xlsx", as in the URL and on the command line
    extension: ClassVar[str]  # ".xlsx"
    mimetype: ClassVar[str]

    def render(
        self, document: Case | DepartmentSummary, report: TableReport | None = None
    ) -> ExportFile:
        """``(filename, mimetype, bytes)``; :class:`TableMismatchError` when the table does not fit."""
        model = build_table(self.table, document, report)
        return ExportFile(self.filename(model), self.mimetype, self.render_grid(grid_for(model)))

    def filename(self, model: Table | ScoreSheet | CompletionTable) -> str:
        return f"{file_stem(model.head, self.table)}{self.extension}"

    @abstractmethod
    def render_grid(self, grid: Grid) -> bytes:
        """The file's bytes for one laid-out table."""


E = TypeVar("E", bound=type[BaseExporter])
REGISTRY: dict[tuple[TableKind, str], BaseExporter] = {}


def register(cls: E) -> E:
    REGISTRY[(cls.table, cls.format)] = cls()
    return cls


def exporters() -> dict[tuple[TableKind, str], BaseExporter]:
    """Every registered exporter by (table, format), the built-in ones loaded first."""
    for name in BUILTIN_MODULES:
        importlib.import_module(name)
    return REGISTRY


def formats() -> tuple[str, ...]:
    return tuple(sorted({fmt for _, fmt in exporters()}))


def get(table: str, fmt: str) -> BaseExporter | None:
    """The exporter for ``table`` (a :class:`TableKind` value) and ``fmt`` (xlsx/docx/pdf), if any."""
    try:
        kind = TableKind(table)
    except ValueError:
        return None
    return exporters().get((kind, fmt))


def file_stem(head: TableHead, kind: TableKind) -> str:
    """``温暖企业行动-项目支出绩效自评表``: the project (or department) and the table's name."""
    name = head.project or head.department or head.title
    stem = f"{name}-{kind.label}" if name and name != head.title else head.title or kind.label
    return _UNSAFE.sub("_", stem).strip(" .") or kind.label
