"""The evaluation page's grid rows, built once in Python.

The grid has one row per indicator (26 on a typical table) and, when the evaluation can be
edited, up to 12 inputs and buttons per row, each with its own URL. As template code that was
a ``{% url %}``, several ``{% translate %}`` and filters per cell: about 9 ms per page, more
than the page's queries and the scoring together. Here the translated labels and the URL
patterns are made once per page and each row is a few string joins, escaped as the template
escaped them (``escape_html``: ``html.escape`` on every value not already safe). A score's
explanation is the core's :class:`~jixiao.core.text.Text`, shown in the page's language
(``localize``) and escaped after translation, so a translation cannot inject markup.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jixiao.core.evaluation import Score
from jixiao.web.cofunding.templatetags.cofunding_marks import funding_mark
from jixiao.web.core_text.localize import localize
from jixiao.web.evaluations.listing import escape_html, two_places
from jixiao.web.indicators.templatetags.indicator_tree import tree_position

# (score, anchor, key, flagged, indent): what the body's context calls ``rows``.
GridRow = tuple[Score, str, str, bool, int]

KEY = "0"  # the key placeholder in the reversed URL patterns (a valid row key)
SWAP = ' hx-target="#evaluation-body" hx-swap="outerHTML"'
ROUTES = {
    "row": "evaluations:row_update",
    "weight": "evaluations:indicator_weight",
    "move": "evaluations:indicator_move",
    "remove": "evaluations:indicator_remove",
    "rename": "evaluations:indicator_rename",
}


def _patterns(pk: int) -> dict[str, tuple[str, str]]:
    """Each route's URL for ``pk`` split around the row key: one ``reverse`` per route and
    page instead of one per cell."""
    patterns = {}
    for name, route in ROUTES.items():
        url = reverse(route, args=[pk, KEY])
        marker = f"/{KEY}/"
        head, tail = url.rsplit(marker, 1)
        patterns[name] = (f"{head}/", f"/{tail}")
    return patterns


def _text(value: Any) -> str:
    """A value as the template printed it with ``|default:""``: empty for None and ""."""
    return escape_html(value) if value else ""


def _number(value: Decimal | None) -> str:
    """A stored number as ``{{ value }}`` printed it: as written, empty for None."""
    return "" if value is None else escape_html(f"{value:f}")


class _Labels:
    """The page's translated, escaped labels (looked up once per page)."""

    def __init__(self) -> None:
        self.target = escape_html(_("年度指标值"))
        self.actual = escape_html(_("实际完成值"))
        self.weight = escape_html(_("分值"))
        self.deviation = escape_html(_("偏差原因分析及改进措施"))
        self.judge = escape_html(_("评分依据 / 人工评分"))
        self.rationale = escape_html(_("评分依据"))
        self.manual = escape_html(_("人工评分"))
        self.reason = escape_html(_("人工评分理由（必填）"))
        self.up = escape_html(_("上移"))
        self.down = escape_html(_("下移"))
        self.remove = escape_html(_("删除"))
        self.rename = escape_html(_("改名"))
        self.name = escape_html(_("指标名称"))
        self.confirm = _("删除指标“%(name)s”及其全部下级指标？")


def grid_rows_html(
    evaluation: Any,
    rows: Iterable[GridRow],
    *,
    can_edit: bool,
    funded: dict[str, str],
) -> SafeString:
    """The ``<tr>`` of every indicator row of ``evaluation``'s grid.

    ``funded`` maps row keys to co-funding plan names (the 「来自拨付记录」 mark); ``can_edit``
    adds the htmx inputs (row values, 分值, 评分依据/人工评分) and the tree controls.
    """
    labels = _Labels()
    urls = _patterns(evaluation.pk)
    version = f'"version": "{escape_html(evaluation.version)}"'
    hx = f" hx-vals='{{{version}}}'" + SWAP
    change = f' hx-trigger="change"{hx}'
    included = ' hx-trigger="change" hx-include="closest details"' + hx
    document = evaluation.document
    out: list[str] = []
    for score, anchor, key, flagged, indent in rows:
        indicator = score.indicator
        leaf = indicator.is_leaf
        judged = indicator.method is None or indicator.method.code != "execution"
        path = escape_html(quote(key, safe="!$&'()*+,;=~:@"))

        def url(name: str, path: str = path) -> str:
            head, tail = urls[name]
            return f"{head}{path}{tail}"

        row_url = url("row")
        mark = escape_html(funding_mark(funded, key)) if funded else ""
        cells = [
            f'<tr id="{escape_html(anchor)}" data-key="{escape_html(key)}"'
            f' class="depth-{score.depth}{" flagged" if flagged else ""}">'
            f'<td style="padding-left: {indent}.2em">{escape_html(indicator.label)}{mark}</td>'
        ]
        target, actual = _text(indicator.target), _text(indicator.actual)
        if can_edit and leaf and judged:
            cells.append(
                f'<td><input name="target" value="{target}" aria-label="{labels.target}"'
                f' hx-post="{row_url}"{change}></td>'
                f'<td><input name="actual" value="{actual}" aria-label="{labels.actual}"'
                f' hx-post="{row_url}"{change}></td>'
            )
        else:
            cells.append(f"<td>{target}</td><td>{actual}</td>")
        weight = escape_html(two_places(score.weight))
        if can_edit:
            cells.append(
                f'<td class="num"><input class="weight" name="weight"'
                f' value="{_number(indicator.weight)}" placeholder="{weight}" inputmode="decimal"'
                f' aria-label="{labels.weight}" hx-post="{url("weight")}"{change}></td>'
            )
        else:
            cells.append(f'<td class="num">{weight}</td>')
        cells.append(
            f'<td class="num score">{escape_html(two_places(score.value))}</td>'
            f'<td class="num">{escape_html(two_places(indicator.published_score))}</td>'
        )
        note = escape_html(indicator.deviation_note)
        if can_edit and leaf:
            cells.append(
                f'<td><input name="deviation_note" value="{note}"'
                f' aria-label="{labels.deviation}" hx-post="{row_url}"{change}></td>'
            )
        else:
            cells.append(f"<td>{note}</td>")
        cells.append('<td class="why">')
        if leaf:
            cells.append(escape_html(localize(score.explanation)))  # the core's Chinese, translated
            if can_edit and judged:
                cells.append(
                    f'<details class="judge"><summary>{labels.judge}</summary>'
                    f'<label>{labels.rationale} <input name="rationale"'
                    f' value="{escape_html(indicator.rationale)}" hx-post="{row_url}"{change}></label>'
                    f'<label>{labels.manual} <input name="manual_score"'
                    f' value="{_number(indicator.manual_score)}" inputmode="decimal" size="6"'
                    f' hx-post="{row_url}"{included}></label>'
                    f'<label>{labels.reason} <input name="manual_reason"'
                    f' value="{escape_html(indicator.manual_reason)}"'
                    f' hx-post="{row_url}"{included}></label></details>'
                )
            elif indicator.rationale:
                cells.append(
                    f'<div class="rationale">{labels.rationale}：'
                    f"{escape_html(indicator.rationale)}</div>"
                )
        cells.append("</td>")
        if can_edit:
            cells.append(_tree_cell(document, key, indicator.name, url, labels, version))
        cells.append("</tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))  # every value above is escaped


def _tree_cell(
    document: Any, key: str, name: str, url: Callable[[str], str], labels: _Labels, version: str
) -> str:
    """↑ ↓ ✕ and 改名 for one row of an editable evaluation."""
    pos = tree_position(document, key)
    confirm = escape_html(labels.confirm % {"name": name})
    move = url("move")
    hx = f" hx-vals='{{{version}}}'" + SWAP
    return (
        '<td class="tree-edit">'
        f'<button type="button" title="{labels.up}" aria-label="{labels.up}"'
        f'{" disabled" if pos["first"] else ""} hx-post="{move}"'
        f' hx-vals=\'{{{version}, "direction": "up"}}\'{SWAP}>↑</button>'
        f'<button type="button" title="{labels.down}" aria-label="{labels.down}"'
        f'{" disabled" if pos["last"] else ""} hx-post="{move}"'
        f' hx-vals=\'{{{version}, "direction": "down"}}\'{SWAP}>↓</button>'
        f'<button type="button" title="{labels.remove}" aria-label="{labels.remove}"'
        f'{" disabled" if pos["only"] else ""} hx-post="{url("remove")}"{hx}'
        f' hx-confirm="{confirm}">✕</button>'
        f'<details><summary title="{labels.rename}">✎</summary>'
        f'<input name="name" value="{escape_html(name)}" aria-label="{labels.name}"'
        f' hx-post="{url("rename")}" hx-trigger="change"{hx}></details>'
        "</td>"
    )


# The export menu: one row per document, one column per format (route, table, title, formats),
# in the order the page offers them. The link reads the format; its accessible name is the full
# "document (format)" label.
FORMATS = (("xlsx", "Excel"), ("docx", "Word"), ("pdf", "PDF"))
EXPORTS = (
    ("export", "self", gettext_lazy("自评表"), ("xlsx", "docx", "pdf")),
    ("export", "scoring", gettext_lazy("计分表"), ("xlsx", "docx")),
    ("export", "score_sheet", gettext_lazy("得分表"), ("xlsx", "docx", "pdf")),
    ("export", "completion", gettext_lazy("指标完成情况表"), ("xlsx", "docx", "pdf")),
    ("report", "", gettext_lazy("评价报告"), ("docx", "pdf")),
)


def export_links_html(pk: int) -> SafeString:
    """The export menu: a table of documents × formats, with two ``reverse`` per page instead
    of one per link."""
    table_url = reverse("evaluations:export", args=[pk, "TABLE", "FMT"])
    report_url = reverse("evaluations:report", args=[pk, "FMT"])
    rows = []
    for route, table, title, formats in EXPORTS:
        cells = []
        for fmt, name in FORMATS:
            if fmt not in formats:
                cells.append(SafeString("<td></td>"))
                continue
            url = table_url.replace("TABLE", table) if route == "export" else report_url
            cells.append(
                format_html(
                    '<td><a href="{}" aria-label="{} ({})">{}</a></td>',
                    url.replace("FMT", fmt),
                    title,
                    name,
                    name,
                )
            )
        rows.append(format_html("<tr><th>{}</th>{}</tr>", title, SafeString("".join(cells))))
    return SafeString("".join(rows))
