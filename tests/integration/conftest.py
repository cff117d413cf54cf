from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.integration.factories import make_officer, make_user


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def officer(db):
    return make_officer()


@pytest.fixture
def buyer(db):
    return make_user("nguoimua")
