"""Demo data for 因素法分配, loaded by ``load_demo`` after the seed evaluations."""

from __future__ import annotations

from jixiao.web.evaluations.demo import DemoUser
from jixiao.web.orgs.models import Organisation

USERS: list[DemoUser] = []


def load(orgs: dict[str, Organisation]) -> None:
    """Add this app's demo records; ``orgs`` maps organisation names to the demo organisations."""
