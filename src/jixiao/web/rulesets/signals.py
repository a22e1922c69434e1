"""Every saved table is a file in ``JIXIAO_RULESETS_DIR``; a deleted one is removed."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from jixiao.io import rulesets
from jixiao.web.rulesets.models import RuleSetTable


@receiver(post_save, sender=RuleSetTable)
def write_table(sender: Any, instance: RuleSetTable, **kwargs: Any) -> None:
    name, text = instance.name, instance.toml
    transaction.on_commit(lambda: rulesets.write_table(settings.JIXIAO_RULESETS_DIR, name, text))


@receiver(post_delete, sender=RuleSetTable)
def remove_table(sender: Any, instance: RuleSetTable, **kwargs: Any) -> None:
    name = instance.name
    transaction.on_commit(lambda: rulesets.remove_table(settings.JIXIAO_RULESETS_DIR, name))


def sync() -> int:
    """Make the directory hold exactly the stored tables (after restoring a database…)."""
    folder = settings.JIXIAO_RULESETS_DIR
    stored = dict(RuleSetTable.objects.values_list("name", "toml"))
    for path in folder.glob("*.toml") if folder.exists() else []:
        if path.stem not in stored:
            rulesets.remove_table(folder, path.stem)
    for name, text in stored.items():
        rulesets.write_table(folder, name, text)
    return len(stored)
