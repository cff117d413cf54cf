"""A stand-in for Saleor's HTTP endpoint, for tests of anything that calls ``SaleorClient``.

``FakeSaleorTransport`` records every request and answers with the responses a test
scripted, in order: an HTTP status with a JSON (or text) body, or an exception such as
``requests.ConnectionError``. It fails loudly when asked for more answers than scripted.

    transport = FakeSaleorTransport().add_data({"shop": {"name": "OCOP"}})
    client = SaleorClient("https://saleor.test/graphql/", "app-token", transport=transport)
"""
from __future__ import annotations

import json as jsonlib
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    url: str
    json: Mapping[str, Any]
    headers: Mapping[str, str]
    timeout: tuple[float, float]

    @property
    def query(self) -> str:
        return self.json["query"]

    @property
    def operation_name(self) -> str:
        return self.json["operationName"]

    @property
    def variables(self) -> Mapping[str, Any]:
        return self.json["variables"]

    @property
    def authorization(self) -> str | None:
        return self.headers.get("Authorization")


@dataclass
class FakeResponse:
    """The part of ``requests.Response`` the client reads."""

    status_code: int
    body: Any = None
    raw_text: str | None = None

    @property
    def text(self) -> str:
        return self.raw_text if self.raw_text is not None else jsonlib.dumps(self.body)

    def json(self) -> Any:
        if self.raw_text is not None:
            return jsonlib.loads(self.raw_text)  # raises ValueError like requests does
        return self.body


@dataclass
class FakeSaleorTransport:
    requests: list[RecordedRequest] = field(default_factory=list)
    _script: deque[FakeResponse | BaseException] = field(default_factory=deque, init=False, repr=False)

    def add_response(self, status_code: int = 200, json: Any = None, *, text: str | None = None) -> FakeSaleorTransport:
        self._script.append(FakeResponse(status_code, json, text))
        return self

    def add_data(self, data: Mapping[str, Any]) -> FakeSaleorTransport:
        """A successful GraphQL answer."""
        return self.add_response(200, {"data": data})

    def add_graphql_errors(self, *errors: Mapping[str, Any], status_code: int = 200,
                           data: Mapping[str, Any] | None = None) -> FakeSaleorTransport:
        """Top-level GraphQL errors, shaped like Saleor's: ``{"message", "extensions": {"exception": {"code"}}}``."""
        return self.add_response(status_code, {"errors": list(errors), "data": data})

    def add_exception(self, exc: BaseException) -> FakeSaleorTransport:
        self._script.append(exc)
        return self

    def post(self, url: str, *, json: Mapping[str, Any], headers: Mapping[str, str],
             timeout: tuple[float, float]) -> FakeResponse:
        self.requests.append(RecordedRequest(url, jsonlib.loads(jsonlib.dumps(json)), dict(headers), timeout))
        if not self._script:
            raise AssertionError(f"FakeSaleorTransport has no scripted answer for request {len(self.requests)} "
                                 f"({json.get('operationName')})")
        answer = self._script.popleft()
        if isinstance(answer, BaseException):
            raise answer
        return answer


def saleor_error(message: str, code: str | None = None) -> dict[str, Any]:
    """One top-level GraphQL error as Saleor 3.23 writes it."""
    error: dict[str, Any] = {"message": message}
    if code:
        error["extensions"] = {"exception": {"code": code}}
    return error
