"""The report's figures as PNG bytes, drawn with matplotlib (Agg, no pyplot, no global state).

The Chinese font is located through fontconfig (``fc-match``), falling back to matplotlib's own
search, and registered explicitly with ``font_manager.addfont``: a font list cached before the
CJK fonts were installed would otherwise draw empty boxes. ``MPLCONFIGDIR`` defaults to a
project folder under the temp directory so that no user cache is read or written. Text that the
font cannot draw raises a "Glyph … missing" warning, which the tests turn into an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

from jixiao.core.money import fmt
from jixiao.core.report import ChartData

if TYPE_CHECKING:
    from matplotlib.axes import Axes

DPI = 200
WIDTH_INCHES = 6.3  # A4 with 2 cm margins leaves 17 cm
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "WenQuanYi Micro Hei", "SimHei")
COLOURS = ("#9fb7d4", "#1f4e79", "#c55a11")


class ChartFontError(RuntimeError):
    """No font that draws Chinese was found; the message is for the user."""


def _config_dir() -> None:
    if "MPLCONFIGDIR" not in os.environ:
        folder = Path(tempfile.gettempdir()) / "jixiao-matplotlib"
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["MPLCONFIGDIR"] = str(folder)


def _fc_match(family: str) -> tuple[str, str] | None:
    """(file, family) fontconfig picks for ``family``, if it really is that family."""
    command = shutil.which("fc-match")
    if command is None:
        return None
    try:
        found = subprocess.run(
            [command, "-f", "%{file}\n%{family}", family],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    file, _, families = found.partition("\n")
    if file and Path(file).is_file() and family in families.split(","):
        return file, family
    return None


@cache
def cjk_font() -> tuple[str, str]:
    """(font file, family name) of a font that draws Chinese, registered with matplotlib."""
    _config_dir()
    from matplotlib import font_manager

    for family in FONT_FAMILIES:
        found = _fc_match(family)
        if found is None:
            try:
                path = font_manager.findfont(
                    font_manager.FontProperties(family=family), fallback_to_default=False
                )
            except ValueError:
                continue
            found = (path, family)
        font_manager.fontManager.addfont(found[0])
        return found
    raise ChartFontError("未找到中文字体（如 Noto Sans CJK SC），无法绘制图表")


def _number(value: Decimal) -> str:
    return fmt(value)


def _bars(ax: Axes, chart: ChartData) -> None:
    count = len(chart.series)
    size = 0.8 / max(count, 1)
    positions = list(range(len(chart.categories)))
    for index, series in enumerate(chart.series):
        offsets = [p - 0.4 + size * (index + 0.5) for p in positions]
        known = [(o, v) for o, v in zip(offsets, series.values, strict=True) if v is not None]
        if not known:
            continue
        where = [o for o, _ in known]
        heights = [float(v) for _, v in known]
        colour = COLOURS[(index + (1 if count == 1 else 0)) % len(COLOURS)]
        if chart.horizontal:
            bars = ax.barh(where, heights, height=size, label=series.name, color=colour)
        else:
            bars = ax.bar(where, heights, width=size, label=series.name, color=colour)
        labels = [_number(v) for _, v in known]
        ax.bar_label(bars, labels=labels, padding=2, fontsize=7)
    if chart.horizontal:
        ax.set_yticks(positions, labels=list(chart.categories), fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(chart.unit, fontsize=8)
    else:
        ax.set_xticks(positions, labels=list(chart.categories), fontsize=8)
        if len(positions) < 3:  # keep a lone pair of bars from filling the page
            ax.set_xlim(-1.5, len(positions) + 0.5)
        ax.set_ylabel(chart.unit, fontsize=8)


def render_chart(chart: ChartData, dpi: int = DPI) -> bytes:
    """One chart as PNG bytes, Chinese labels in the CJK font."""
    _, family = cjk_font()
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = len(chart.categories)
    height = max(2.6, 0.32 * rows + 1.0) if chart.horizontal else 3.0
    with rc_context(
        {"font.family": "sans-serif", "font.sans-serif": [family], "axes.unicode_minus": False}
    ):
        figure = Figure(figsize=(WIDTH_INCHES, height), dpi=dpi, layout="constrained")
        FigureCanvasAgg(figure)
        ax = figure.add_subplot()
        _bars(ax, chart)
        if chart.reference is not None:
            line = ax.axvline if chart.horizontal else ax.axhline
            line(float(chart.reference), color="#888888", linewidth=0.8, linestyle="--")
        ax.set_title(chart.title, fontsize=10)
        ax.spines[["top", "right"]].set_visible(False)
        values = [float(v) for s in chart.series for v in s.values if v is not None]
        top = max([*values, float(chart.reference or 0), 1.0]) * 1.15
        (ax.set_xlim if chart.horizontal else ax.set_ylim)(0, top)
        ax.tick_params(labelsize=8)
        if len(chart.series) > 1:
            ax.legend(fontsize=8, frameon=False)
        buffer = BytesIO()
        figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def render_charts(charts: tuple[ChartData, ...], dpi: int = DPI) -> dict[int, bytes]:
    """PNG bytes of each chart, by figure number."""
    return {chart.number: render_chart(chart, dpi) for chart in charts}
