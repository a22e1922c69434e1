"""The report's charts: real PNGs at print resolution, every Chinese glyph drawn."""

from __future__ import annotations

import struct
import warnings
import zlib
from decimal import Decimal
from pathlib import Path

import pytest

from jixiao.core.case import Case
from jixiao.core.report import ChartData, ChartKind, Series, build_report
from jixiao.core.review import review
from jixiao.io import charts, rulesets
from jixiao.io.cases import load

SEEDS = Path(__file__).resolve().parents[2] / "examples" / "seeds"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def glyphs_must_exist():
    """A missing glyph ("Glyph 32489 … missing from font") fails the test instead of warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    (crc,) = struct.unpack(">I", data[29:33])
    assert crc == zlib.crc32(data[12:29])
    return width, height


def figures(seed: str) -> tuple[ChartData, ...]:
    case = load(SEEDS / seed)
    assert isinstance(case, Case) and case.rules
    return build_report(case, review(case, rulesets.load(case.rules))).figures


def test_the_font_is_a_cjk_font_found_on_the_system() -> None:
    path, family = charts.cjk_font()
    assert Path(path).is_file()
    assert "CJK" in family or "Hei" in family


def test_each_chart_of_the_004_report_is_a_print_resolution_png() -> None:
    rendered = charts.render_charts(figures("004-zhuzhou-warm-enterprise.yaml"))
    assert sorted(rendered) == [1, 2, 3]
    for data in rendered.values():
        width, height = png_size(data)
        assert width == round(charts.WIDTH_INCHES * charts.DPI)  # 1260 px: 16 cm at 200 dpi
        assert height >= 500
        assert len(data) > 10_000


def test_a_long_completion_chart_grows_downwards_and_the_text_is_drawn() -> None:
    chart = ChartData(
        ChartKind.COMPLETION,
        3,
        "各项指标完成情况（得分/分值）",
        tuple(f"指标“{n}”：满意度（%）" for n in range(30)),
        (Series("得分率", tuple(Decimal(n * 3) for n in range(30))),),
        "%",
        horizontal=True,
        reference=Decimal(100),
    )
    width, height = png_size(charts.render_chart(chart, dpi=100))
    assert width == round(charts.WIDTH_INCHES * 100)
    assert height > 1000


def test_image_decodes_with_matplotlib() -> None:
    from io import BytesIO

    from matplotlib import image

    chart = figures("002-jiangyou-relief-fund.yaml")[1]
    assert chart.kind is ChartKind.BUDGET
    pixels = image.imread(BytesIO(charts.render_chart(chart, dpi=80)), format="png")
    assert pixels.shape[1] == round(charts.WIDTH_INCHES * 80)
    assert pixels.min() < 0.5  # there is ink


def test_a_font_without_chinese_would_fail_these_tests(monkeypatch: pytest.MonkeyPatch) -> None:
    """The guard works: drawing Chinese with DejaVu warns, and the warning is an error here."""
    monkeypatch.setattr(charts, "cjk_font", lambda: ("", "DejaVu Sans"))
    chart = figures("004-zhuzhou-warm-enterprise.yaml")[0]
    with pytest.raises(UserWarning, match=r"Glyph .* missing"):
        charts.render_chart(chart, dpi=50)
