"""Rule-set tables (src/jixiao/io/rulesets/*.toml): listing, loading, extending, selecting."""

from __future__ import annotations

import fnmatch
import tomllib
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from jixiao.core.money import Rounding
from jixiao.core.rules import ExecutionDenominator, ReverseFormula, RuleSet, RuleSetError
from jixiao.io import rulesets

ROOT = Path(__file__).resolve().parents[2]
TABLES = Path(str(resources.files("jixiao.io") / "rulesets"))
TABLE_FILES = sorted(TABLES.glob("*.toml"))

NATIONAL_OPTIONS = (
    "rounding",
    "reverse_formula",
    "execution_denominator",
    "execution_capped",
    "qualitative_bands",
    "grade_bands",
    "tolerance",
    "satisfaction_levels",
)


def test_available_lists_national_and_zhejiang() -> None:
    names = rulesets.available()
    assert {"national", "zhejiang"} <= set(names)
    assert names == sorted(names)
    assert rulesets.DEFAULT == "national"


def test_load_national() -> None:
    national = rulesets.load("national")
    assert isinstance(national, RuleSet)
    assert national.name == "national"
    assert national.label == f"national@{national.version}"
    assert national.regions == ()
    assert national.grade_caps == ()
    assert [band.grade for band in national.grade_bands] == ["优", "良", "中", "差"]
    assert [band.threshold for band in national.grade_bands] == [
        Decimal(90),
        Decimal(80),
        Decimal(60),
        Decimal(0),
    ]
    assert national.rounding is Rounding.HALF_UP
    assert national.reverse_formula is ReverseFormula.RATIO
    assert national.execution_denominator is ExecutionDenominator.FULL_YEAR_BUDGET
    assert national.execution_capped is True
    assert national.tolerance == Decimal("0.01")
    assert national.satisfaction_levels["满意"] == Decimal(1)
    assert national.satisfaction_levels["基本满意"] == Decimal("0.8")
    assert [b.label for b in national.qualitative_bands] == ["达成", "部分达成", "未达成"]
    assert rulesets.load() == national  # the default


def test_zhejiang_extends_national() -> None:
    national = rulesets.load("national")
    zhejiang = rulesets.load("zhejiang")
    assert zhejiang.name == "zhejiang"
    assert zhejiang.version != national.version
    assert zhejiang.regions == ("浙江",)
    # Inherited unchanged.
    assert zhejiang.grade_bands == national.grade_bands
    assert zhejiang.qualitative_bands == national.qualitative_bands
    assert zhejiang.satisfaction_levels == national.satisfaction_levels
    assert zhejiang.rounding == national.rounding
    assert zhejiang.reverse_formula == national.reverse_formula
    assert zhejiang.execution_denominator == national.execution_denominator
    assert zhejiang.execution_capped == national.execution_capped
    assert zhejiang.tolerance == national.tolerance
    assert zhejiang.places == national.places
    # Added: the execution-rate caps printed under the 嘉兴 tables.
    assert national.grade_caps == ()
    assert [(cap.below, cap.best) for cap in zhejiang.grade_caps] == [
        (Decimal(91), "良"),
        (Decimal(50), "中"),
    ]
    assert zhejiang.best_grade_allowed(Decimal("89.89")) == "良"
    assert zhejiang.best_grade_allowed(Decimal("42.25")) == "中"
    assert zhejiang.best_grade_allowed(Decimal(91)) == "优"
    assert national.best_grade_allowed(Decimal("42.25")) == "优"


def test_select_by_region() -> None:
    assert rulesets.select("浙江省嘉兴市", 2021).name == "zhejiang"
    assert rulesets.select("浙江省", None).name == "zhejiang"
    assert rulesets.select("湖南省株洲市", 2020).name == "national"
    assert rulesets.select("", None).name == "national"


def test_unknown_name_lists_available() -> None:
    with pytest.raises(RuleSetError) as caught:
        rulesets.load("nope")
    message = str(caught.value)
    assert "nope" in message
    assert "未知规则集" in message
    for name in rulesets.available():
        assert name in message


@pytest.mark.parametrize("path", TABLE_FILES, ids=lambda p: p.name)
def test_table_files_are_valid_toml_and_load(path: Path) -> None:
    with path.open("rb") as handle:
        table = tomllib.load(handle)
    assert table["name"] == path.stem
    assert isinstance(table["version"], str) and table["version"]
    extends = table.get("extends")
    assert extends is None or (TABLES / f"{extends}.toml").is_file()
    loaded = rulesets.load(path.stem)
    assert loaded.name == path.stem
    assert loaded.version == table["version"]


def test_national_names_every_option() -> None:
    with (TABLES / "national.toml").open("rb") as handle:
        table = tomllib.load(handle)
    assert "extends" not in table
    missing = [option for option in NATIONAL_OPTIONS if option not in table]
    assert missing == []
    assert isinstance(table["tolerance"], str)  # exact, not a TOML float
    assert set(table["satisfaction_levels"]) == {"满意", "基本满意", "一般", "不满意"}


def test_zhejiang_only_overrides() -> None:
    with (TABLES / "zhejiang.toml").open("rb") as handle:
        table = tomllib.load(handle)
    assert table["extends"] == "national"
    assert "grade_caps" in table
    assert "grade_bands" not in table  # inherited, not copied


def test_rule_set_tables_are_shipped_as_package_data() -> None:
    # A wheel only carries the data files pyproject declares; without the TOML tables an
    # installed jixiao has no rule sets at all (available() == []).
    with (ROOT / "pyproject.toml").open("rb") as handle:
        pyproject = tomllib.load(handle)
    patterns = pyproject["tool"]["setuptools"]["package-data"]["jixiao"]
    package_dir = ROOT / "src" / "jixiao"
    for path in TABLE_FILES:
        relative = path.relative_to(package_dir).as_posix()
        assert any(fnmatch.fnmatch(relative, p) for p in patterns), (relative, patterns)


def test_the_test_rule_sets_mirror_the_shipped_tables() -> None:
    """Core tests build rule sets from dicts (no files); they must match the TOML tables."""
    from builders import national, zhejiang
    from jixiao.io import rulesets

    assert national() == rulesets.load("national")
    assert zhejiang() == rulesets.load("zhejiang")
