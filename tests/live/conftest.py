"""Live tests run against a real Saleor 3.23 and are opt-in: set SALEOR_API_URL, e.g.
``SALEOR_API_URL=http://127.0.0.1:8100/graphql/``. A staff account logs in once per session
(Saleor delays logins repeated from one address): SALEOR_STAFF_EMAIL / SALEOR_STAFF_PASSWORD.
"""
from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from storefront_adapter.client import SaleorClient
from storefront_adapter.errors import SaleorError, raise_for_mutation_errors

LIVE_DIR = Path(__file__).resolve().parent
SKIP_REASON = "SALEOR_API_URL is not set: live tests against a real Saleor 3.23 are skipped"


def pytest_collection_modifyitems(config, items):
    # This hook sees every collected test, not only this folder's.
    if os.environ.get("SALEOR_API_URL"):
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.path.is_relative_to(LIVE_DIR):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def saleor_api_url() -> str:
    return os.environ["SALEOR_API_URL"]


# Saleor's access tokens live 5 minutes (JWT_TTL_ACCESS) and the live folder runs longer:
# one login, renewed once it is 4 minutes old.
_TOKEN_LIFETIME_SECONDS = 240
_staff_token: dict[str, float | str] = {}


@pytest.fixture
def saleor_staff_token(saleor_api_url) -> str:
    if time.monotonic() - float(_staff_token.get("at", float("-inf"))) > _TOKEN_LIFETIME_SECONDS:
        data = SaleorClient(saleor_api_url, None).execute("TokenCreate", {
            "email": os.environ.get("SALEOR_STAFF_EMAIL", "admin@example.com"),
            "password": os.environ.get("SALEOR_STAFF_PASSWORD", "admin-saleor-local"),
        })
        _staff_token.update(token=raise_for_mutation_errors(data, "tokenCreate")["token"], at=time.monotonic())
    return str(_staff_token["token"])


@pytest.fixture
def saleor(saleor_api_url, saleor_staff_token) -> SaleorClient:
    return SaleorClient(saleor_api_url, saleor_staff_token)


@pytest.fixture
def throwaway_tag() -> str:
    """Prefix for slugs and references, so runs never collide with each other or real data."""
    return f"live-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def cleanup(saleor) -> Iterator[list[tuple[str, dict, str]]]:
    """Tests append (operation, variables, mutation field) to delete what they made; the
    deletions run newest first, also when the test fails."""
    deletions: list[tuple[str, dict, str]] = []
    yield deletions
    failures = []
    for operation_name, variables, mutation_field in reversed(deletions):
        try:
            raise_for_mutation_errors(saleor.execute(operation_name, variables), mutation_field)
        except SaleorError as exc:
            failures.append(f"{operation_name} {variables}: {exc}")
    assert failures == [], "could not clean up the throwaway Saleor objects"
