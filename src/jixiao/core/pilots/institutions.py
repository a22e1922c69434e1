"""The park's catalogue of partner institutions and service products (合作服务机构和服务产品清单).

Seed 三（三）: 原则上同类型服务机构不少于2家，服务价格不高于同类服务的市场价. “原则上” — so a breach
blocks the approval of the service plan until the park writes a justification for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from jixiao.core.money import ZERO, fmt
from jixiao.core.pilots.errors import PilotError
from jixiao.core.pilots.programme import ServiceType
from jixiao.core.text import Text, joined

MIN_INSTITUTIONS = 2


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    """One service product: its price and the market reference price, 万元 per ``unit``."""

    service: ServiceType
    product: str
    price: Decimal
    market_price: Decimal
    unit: str = "次"

    def __post_init__(self) -> None:
        if self.price < ZERO or self.market_price < ZERO:
            raise PilotError(
                "negative_price", Text("“{product}”的价格不能为负数", product=self.product)
            )


@dataclass(frozen=True)
class Institution:
    name: str
    offers: tuple[ServiceOffer, ...] = ()

    def offers_service(self, service: ServiceType) -> bool:
        return any(o.service is service for o in self.offers)


@dataclass(frozen=True)
class Catalogue:
    institutions: tuple[Institution, ...] = ()

    def __post_init__(self) -> None:
        names = [i.name for i in self.institutions]
        for name in names:
            if names.count(name) > 1:
                raise PilotError("duplicate_institution", Text("服务机构“{name}”重复", name=name))

    def providers(self, service: ServiceType) -> tuple[Institution, ...]:
        return tuple(i for i in self.institutions if i.offers_service(service))

    def institution(self, name: str) -> Institution | None:
        return next((i for i in self.institutions if i.name == name), None)


class BreachKind(StrEnum):
    TOO_FEW = "too_few_institutions"
    ABOVE_MARKET = "price_above_market"


@dataclass(frozen=True, slots=True)
class Breach:
    kind: BreachKind
    service: ServiceType
    key: str  # what a justification names: "too_few_institutions/diagnosis" …
    message: str
    institution: str = ""


def check_catalogue(catalogue: Catalogue, services: Iterable[ServiceType]) -> tuple[Breach, ...]:
    """Every breach of the two rules for the service types the park uses."""
    breaches: list[Breach] = []
    for service in dict.fromkeys(services):
        count = len(catalogue.providers(service))
        if count < MIN_INSTITUTIONS:
            breaches.append(
                Breach(
                    BreachKind.TOO_FEW,
                    service,
                    f"{BreachKind.TOO_FEW.value}/{service.value}",
                    Text(
                        "“{service}”类服务机构仅 {count} 家，原则上不少于 {minimum} 家"
                        "（工作指南三（三））",
                        service=service.label,
                        count=str(count),
                        minimum=str(MIN_INSTITUTIONS),
                    ),
                )
            )
    for institution in catalogue.institutions:
        for offer in institution.offers:
            if offer.price > offer.market_price:
                breaches.append(
                    Breach(
                        BreachKind.ABOVE_MARKET,
                        offer.service,
                        f"{BreachKind.ABOVE_MARKET.value}/{institution.name}/{offer.product}",
                        Text(
                            "“{institution}”的“{product}”价格 {price} 万元"
                            "高于市场参考价 {market} 万元（工作指南三（三））",
                            institution=institution.name,
                            product=offer.product,
                            price=fmt(offer.price),
                            market=fmt(offer.market_price),
                        ),
                        institution.name,
                    )
                )
    return tuple(breaches)


def blocking_breaches(
    catalogue: Catalogue, services: Iterable[ServiceType], justifications: Mapping[str, str]
) -> tuple[Breach, ...]:
    """The breaches without a written justification: these block the plan's approval."""
    return tuple(
        b for b in check_catalogue(catalogue, services) if not justifications.get(b.key, "").strip()
    )


def require_approvable(
    catalogue: Catalogue, services: Iterable[ServiceType], justifications: Mapping[str, str]
) -> None:
    blocking = blocking_breaches(catalogue, services, justifications)
    if blocking:
        listed = joined(b.message for b in blocking)
        raise PilotError(
            "catalogue_breach",
            Text("服务机构清单不符合要求，须说明理由后方可审核通过：{listed}", listed=listed),
        )
