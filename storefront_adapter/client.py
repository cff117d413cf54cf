"""The one way this project sends a GraphQL operation to Saleor.

``SaleorClient.execute("ShopInfo", {})`` loads the named document from ``operations/``,
POSTs it with the app's token and returns the ``data``. Failures come back as the
exceptions in ``storefront_adapter.errors``; only network errors and HTTP 5xx are retried
here, with exponential backoff, because nothing else gets better by asking again.

Call it outside database transactions (STYLE.md rule 6): it may block for the whole
timeout and backoff. A timed-out mutation may still have been applied, and is sent again;
every mutation we send is therefore keyed by an ``externalReference`` or slug derived from
our row ids, so a repeat is refused as a duplicate rather than applied twice.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import requests

from .errors import (
    AUTH_ERROR_CODES,
    GraphQLErrorDetail,
    SaleorAuthError,
    SaleorGraphQLAuthError,
    SaleorGraphQLError,
    SaleorHTTPError,
    SaleorUnavailable,
)
from .operations import load_operation

logger = logging.getLogger(__name__)

# Raised by ``requests`` when no complete answer arrived: refused or dropped connections,
# connect and read timeouts, a body cut off half way.
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class TransportResponse(Protocol):
    status_code: int
    text: str

    def json(self) -> Any: ...


class SaleorTransport(Protocol):
    """The seam under the client: ``requests.Session`` in production, ``FakeSaleorTransport`` in tests."""

    def post(self, url: str, *, json: Mapping[str, Any], headers: Mapping[str, str],
             timeout: tuple[float, float]) -> TransportResponse: ...


class SaleorClient:
    """Sends named operations to one Saleor API with one token.

    ``retries`` is the number of attempts in all (3: the first try and two retries);
    the waits between them are ``backoff``, ``2 * backoff``, ``4 * backoff``... seconds.
    ``token=None`` sends no ``Authorization`` header (only ``TokenCreate`` needs that).
    """

    def __init__(self, api_url: str, token: str | None, *, transport: SaleorTransport | None = None,
                 timeout: tuple[float, float] = (3.05, 20), retries: int = 3, backoff: float = 0.5,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if retries < 1:
            raise ValueError("retries counts attempts and must be at least 1")
        self.api_url = api_url
        self._token = token
        self._transport = transport if transport is not None else requests.Session()
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self._sleep = sleep

    def __repr__(self) -> str:  # never show the token
        return f"SaleorClient({self.api_url!r})"

    def execute(self, operation_name: str, variables: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Run the operation and return its ``data``; raise a ``SaleorError`` otherwise."""
        body = {"query": load_operation(operation_name), "operationName": operation_name,
                "variables": dict(variables or {})}
        headers = {"Accept": "application/json"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"

        for attempt in range(1, self.retries + 1):
            try:
                response = self._transport.post(self.api_url, json=body, headers=headers, timeout=self.timeout)
            except NETWORK_ERRORS as exc:
                reason = f"{type(exc).__name__}: {exc}"
                cause: BaseException | None = exc
            else:
                if response.status_code < 500:
                    return _read_response(operation_name, response)
                reason, cause = f"HTTP {response.status_code}", None
            if attempt == self.retries:
                raise SaleorUnavailable(operation_name, attempts=attempt, reason=reason) from cause
            delay = self.backoff * 2 ** (attempt - 1)
            logger.warning("Saleor %s failed (%s), attempt %d of %d; retrying in %.2fs",
                           operation_name, reason, attempt, self.retries, delay)
            self._sleep(delay)
        raise AssertionError("unreachable")  # the loop either returns or raises


def _read_response(operation_name: str, response: TransportResponse) -> dict[str, Any]:
    status = response.status_code
    try:
        body = response.json()
    except ValueError:
        body = None
    errors = body.get("errors") if isinstance(body, dict) else None

    if status in (401, 403):
        messages = [str(e.get("message", "")) for e in errors or ()]
        raise SaleorAuthError(operation_name, status_code=status, messages=messages)
    if status == 429:
        # A proxy throttling us: the sync should come back later, not hammer it now.
        raise SaleorUnavailable(operation_name, attempts=1, reason="HTTP 429 Too Many Requests")
    if errors:
        # Saleor sends invalid documents with HTTP 400 and resolver errors with 200.
        details = [GraphQLErrorDetail.from_response(e) for e in errors]
        error_class = SaleorGraphQLAuthError if AUTH_ERROR_CODES.intersection(d.code for d in details) \
            else SaleorGraphQLError
        raise error_class(operation_name, details, data=body.get("data"), status_code=status)
    if status != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise SaleorHTTPError(operation_name, status_code=status, body=response.text)
    return body["data"]
