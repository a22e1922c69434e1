"""The catalogue rules of seed 003 三（三）: two institutions per type, no price above market."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pilot_builders import CATALOGUE, TARGETS, offer

from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.institutions import (
    BreachKind,
    Catalogue,
    Institution,
    ServiceOffer,
    blocking_breaches,
    check_catalogue,
    require_approvable,
)
from jixiao.core.pilots.programme import ServiceType

S = ServiceType


def test_a_sound_catalogue_has_no_breach() -> None:
    assert check_catalogue(CATALOGUE, TARGETS.services) == ()
    require_approvable(CATALOGUE, TARGETS.services, {})


def test_one_institution_for_a_type_is_a_breach() -> None:
    breaches = check_catalogue(CATALOGUE, [S.DIAGNOSIS, S.LEGAL])
    assert [(b.kind, b.service) for b in breaches] == [(BreachKind.TOO_FEW, S.LEGAL)]
    assert breaches[0].message == "“法律”类服务机构仅 0 家，原则上不少于 2 家（工作指南三（三））"
    single = Catalogue((Institution("甲", (offer(S.LEGAL),)),))
    assert "仅 1 家" in check_catalogue(single, [S.LEGAL])[0].message


def test_only_the_types_used_are_counted() -> None:
    single = Catalogue((Institution("甲", (offer(S.LEGAL),)),))
    assert check_catalogue(single, []) == ()


def test_a_price_above_the_market_reference_is_a_breach() -> None:
    dear = Catalogue(
        (
            Institution("甲", (offer(S.LEGAL, "1.3", "1.2"),)),
            Institution("乙", (offer(S.LEGAL, "1.2", "1.2"),)),  # equal is allowed
        )
    )
    breaches = check_catalogue(dear, [S.LEGAL])
    assert [(b.kind, b.institution) for b in breaches] == [(BreachKind.ABOVE_MARKET, "甲")]
    assert breaches[0].message == (
        "“甲”的“法律服务包”价格 1.3 万元高于市场参考价 1.2 万元（工作指南三（三））"
    )


def test_a_justification_clears_a_breach_for_approval() -> None:
    used = [S.LEGAL]
    breaches = check_catalogue(CATALOGUE, used)
    with pytest.raises(
        PilotError, match="须说明理由后方可审核通过：“法律”类服务机构仅 0 家"
    ) as caught:
        require_approvable(CATALOGUE, used, {})
    assert caught.value.code == "catalogue_breach"
    assert (
        blocking_breaches(CATALOGUE, used, {breaches[0].key: "   "}) == breaches
    )  # blank is no reason
    justified = {breaches[0].key: "本县仅一家律师事务所具备企业法律顾问资质"}
    assert blocking_breaches(CATALOGUE, used, justified) == ()
    require_approvable(CATALOGUE, used, justified)
    assert check_catalogue(CATALOGUE, used) == breaches  # the breach is still shown


def test_catalogue_refuses_duplicates_and_negative_prices() -> None:
    with pytest.raises(PilotError, match="服务机构“甲”重复"):
        Catalogue((Institution("甲"), Institution("甲")))
    with pytest.raises(PilotError, match="价格不能为负数"):
        ServiceOffer(S.LEGAL, "x", Decimal(-1), Decimal(1))


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(ServiceType)),
            st.decimals(0, 100, places=2),
            st.decimals(0, 100, places=2),
        ),
        max_size=12,
    )
)
def test_every_offer_above_market_is_listed_once(
    offers: list[tuple[ServiceType, Decimal, Decimal]],
) -> None:
    catalogue = Catalogue(
        tuple(
            Institution(f"机构{i}", (ServiceOffer(s, f"产品{i}", p, m),))
            for i, (s, p, m) in enumerate(offers)
        )
    )
    above = [b for b in check_catalogue(catalogue, []) if b.kind is BreachKind.ABOVE_MARKET]
    assert len(above) == sum(1 for _, p, m in offers if p > m)
    assert len({b.key for b in above}) == len(above)
