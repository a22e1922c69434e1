"""Settings for the test suite: the real settings, development mode, a fast password hasher.

``DATABASE_URL`` still chooses the database, so CI runs the suite on SQLite and PostgreSQL.
"""

import os

os.environ.setdefault("DEBUG", "1")

from jixiao.web.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Background tasks run inline, in the request that enqueues them.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Each test process writes admin-entered rule sets to a directory of its own.
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

JIXIAO_RULESETS_DIR = Path(tempfile.mkdtemp(prefix="jixiao-rulesets-"))
