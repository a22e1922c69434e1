"""Fixtures for the web tests: ``world`` (the personas of web_world.py) and ``login``.

The world is built once per test module, inside a transaction that is rolled back when the
module ends (the pattern of Django's ``TestCase.setUpTestData``); each test runs in a savepoint
inside it and gets its own deep copy of the Python objects, so nothing leaks between tests.
"""

from __future__ import annotations

import copy

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.test import Client
from web_world import World, build_world


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.fixture
def world(module_world: World, db) -> World:
    return copy.deepcopy(module_world)


@pytest.fixture
def login():
    """``login(user)`` → a fresh ``Client`` logged in as ``user``; ``login(None)`` → anonymous."""

    def make(user: AbstractBaseUser | None, **client_kwargs) -> Client:
        client = Client(**client_kwargs)
        if user is not None:
            client.force_login(user)
        return client

    return make
