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


# Tables of a deployment's own, in an extra directory ------------------------------------------

SICHUAN = """\
extends = "national"
name = "sichuan"
version = "2023.1"
title = "四川省规则（示例）"
regions = ["四川"]
grade_caps = [{ below = 80, best = "良" }]
"""


@pytest.fixture
def extra(tmp_path, monkeypatch):
    monkeypatch.setattr(rulesets, "_extra_dirs", [])
    rulesets.use_directory(tmp_path)
    return tmp_path


def test_a_table_written_to_an_extra_directory_is_seen_at_once(extra) -> None:
    assert rulesets.select("四川省绵阳市江油市", 2023).name == "national"
    rulesets.write_table(extra, "sichuan", SICHUAN)
    assert "sichuan" in rulesets.available() and "sichuan" not in rulesets.shipped()
    chosen = rulesets.select("四川省绵阳市江油市", 2023)
    assert (chosen.name, chosen.version) == ("sichuan", "2023.1")
    rulesets.write_table(extra, "sichuan", SICHUAN.replace("2023.1", "2023.2"))
    assert rulesets.load("sichuan").version == "2023.2"  # replaced, not cached
    rulesets.remove_table(extra, "sichuan")
    assert rulesets.select("四川省绵阳市江油市", 2023).name == "national"
    assert not list(extra.glob("*.tmp")) and not list(extra.glob(".*"))


def test_a_table_may_replace_a_shipped_one(extra) -> None:
    replaced = SICHUAN.replace('name = "sichuan"', 'name = "zhejiang"').replace("四川", "浙江")
    rulesets.write_table(extra, "zhejiang", replaced)
    assert rulesets.load("zhejiang").version == "2023.1"
    rulesets.remove_table(extra, "zhejiang")
    assert rulesets.load("zhejiang").version == "2021.1"


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("sichuan", "name = ", "TOML 格式错误"),
        ("sichuan", SICHUAN.replace('"national"', '"nowhere"'), "未知规则集 'nowhere'"),
        ("sichuan", SICHUAN.replace('name = "sichuan"', 'name = "hubei"'), "不一致"),
        ("sichuan", SICHUAN.replace('"national"', '"sichuan"'), "不能 extends 自己"),
        ("sichuan", SICHUAN.replace("below = 80", 'below = "x"'), "规则集"),
    ],
)
def test_check_table_refuses_bad_tables_in_chinese(extra, name, text, message) -> None:
    with pytest.raises(RuleSetError) as caught:
        rulesets.check_table(name, text)
    assert message in str(caught.value)
    assert not list(extra.iterdir())


def test_check_table_builds_a_good_one() -> None:
    ruleset = rulesets.check_table("sichuan", SICHUAN)
    assert ruleset.name == "sichuan" and ruleset.regions
