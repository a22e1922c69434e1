"""The stable ``--json`` shape of an audit (docs/audit-json.md), shared by the CLI and the web."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jixiao.core.money import fmt
from jixiao.core.review import TableReport


def number(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def report_json(report: TableReport) -> dict[str, Any]:
    """The stable ``--json`` shape, documented in docs/audit-json.md."""

    return {
        "file": report.file,
        "project": report.project,
        "rules": report.rules,
        "computed_total": number(report.computed_total),
        "published_total": number(report.published_total),
        "computed_grade": report.computed_grade,
        "published_grade": report.published_grade,
        "findings": [
            {
                "code": f.code.value,
                "severity": f.severity.value,
                "path": f.path,
                "message": f.message,
                "fingerprint": f.fingerprint,
            }
            for f in report.findings
        ],
    }
