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


# The cart and checkout tests' FakeSaleor (tests/integration/shop.py).
from tests.integration.shop import fake_saleor  # noqa: F401
