"""Indexes for the list pages and the overview (evaluations/listing.py, summaries).

Every list starts from the owners a user may see (``owner_id IN (…)``) and groups by year:
``(owner_id, year, kind, computed_grade)`` answers the groups and the overview's counts from
the index alone. On PostgreSQL the index also carries the finding counts, and a second one
carries title and project for ``?q=`` (INCLUDE columns are PostgreSQL only), so neither reads
the table with its large ``document`` column. Created with SQL: they are not part of the
model state, and the model is left as it is.
"""

from typing import Any

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor

INDEXES = {
    "postgresql": [
        "CREATE INDEX IF NOT EXISTS evaluations_scope_idx ON evaluations_evaluation"
        " (owner_id, year, kind, computed_grade) INCLUDE (error_count, warning_count)",
        "CREATE INDEX IF NOT EXISTS evaluations_search_idx ON evaluations_evaluation"
        " (owner_id, year) INCLUDE (title, project)",
    ],
    "other": [
        "CREATE INDEX IF NOT EXISTS evaluations_scope_idx ON evaluations_evaluation"
        " (owner_id, year, kind, computed_grade)",
    ],
}
NAMES = ("evaluations_scope_idx", "evaluations_search_idx")


def create(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    vendor = schema_editor.connection.vendor
    for sql in INDEXES.get(vendor, INDEXES["other"]):
        schema_editor.execute(sql)


def drop(apps: Any, schema_editor: BaseDatabaseSchemaEditor) -> None:
    for name in NAMES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("evaluations", "0003_evaluation_fund_project")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
