"""What can go wrong when we talk to Saleor, sorted by what the caller should do about it.

- ``SaleorUnavailable``: transient (network down, timeouts, HTTP 5xx after the client's own
  retries, HTTP 429). Nothing was lost; the sync keeps the outbox row and tries again later.
- ``SaleorAuthError``: our token is wrong, expired or lacks a permission. Retrying will not
  help; an operator must reinstall the app or grant the permission.
- ``SaleorGraphQLError``: Saleor rejected or failed the operation itself (top-level
  ``errors``): a document that does not match the running schema, or a resolver error.
- ``SaleorMutationError``: the mutation ran and refused the input (the payload's
  ``errors: [{field, code, message}]``), e.g. a duplicate slug; the data must change.
- ``SaleorHTTPError``: any other answer that is not GraphQL (a 404 from a proxy, a 4xx
  without a GraphQL body, a 200 that is not JSON).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Saleor answers a bad or expired token with HTTP 200 and a GraphQL error (it never sends
# 401 for them), and a missing permission with the code ``PermissionDenied``. The codes are
# the exception class names Saleor reports in ``extensions.exception.code``.
AUTH_ERROR_CODES = frozenset({
    "PermissionDenied",
    "ExpiredSignatureError",
    "InvalidSignatureError",
    "DecodeError",
    "InvalidTokenError",
    "STOREFRONT_TRAFFIC_NOT_ALLOWED",
})


class SaleorError(Exception):
    """Base class: anything the Saleor client raises on purpose."""

    def __reduce__(self):
        # The subclasses take keyword arguments, which Exception's own pickling drops; Celery
        # pickles the exceptions of failed tasks.
        return _unpickle_error, (type(self), self.args), self.__dict__


def _unpickle_error(cls: type[SaleorError], args: tuple[Any, ...]) -> SaleorError:
    return cls.__new__(cls, *args)


class SaleorUnavailable(SaleorError):
    """Saleor could not be reached or kept failing; a later retry may well succeed."""

    def __init__(self, operation_name: str, *, attempts: int, reason: str) -> None:
        self.operation_name = operation_name
        self.attempts = attempts
        self.reason = reason
        super().__init__(f"Saleor is unavailable for {operation_name} after {attempts} attempt(s): {reason}")


class SaleorHTTPError(SaleorError):
    """An HTTP answer that carries no GraphQL result and is not worth retrying."""

    def __init__(self, operation_name: str, *, status_code: int, body: str) -> None:
        self.operation_name = operation_name
        self.status_code = status_code
        self.body = body
        super().__init__(f"Saleor answered {operation_name} with HTTP {status_code}: {body[:200]}")


@dataclass(frozen=True)
class GraphQLErrorDetail:
    """One entry of a GraphQL response's top-level ``errors``."""

    message: str
    code: str | None = None
    path: tuple[str | int, ...] = ()

    @classmethod
    def from_response(cls, error: Mapping[str, Any]) -> GraphQLErrorDetail:
        extensions = error.get("extensions") or {}
        # Saleor puts the code under ``extensions.exception.code``; a few answers it builds
        # by hand (e.g. storefront traffic blocked) put it straight under ``extensions.code``.
        code = (extensions.get("exception") or {}).get("code") or extensions.get("code")
        return cls(message=str(error.get("message", "")), code=code, path=tuple(error.get("path") or ()))


class SaleorGraphQLError(SaleorError):
    """Saleor returned top-level GraphQL ``errors`` for the operation."""

    def __init__(self, operation_name: str, errors: Iterable[GraphQLErrorDetail], *,
                 data: Mapping[str, Any] | None = None, status_code: int = 200) -> None:
        self.operation_name = operation_name
        self.errors = tuple(errors)
        self.data = data  # what Saleor still resolved, if anything
        self.status_code = status_code
        # Not super(): in SaleorGraphQLAuthError the next class would be SaleorAuthError.
        SaleorError.__init__(self, f"Saleor rejected {operation_name}: " + "; ".join(
            f"{e.message} [{e.code}]" if e.code else e.message for e in self.errors))

    @property
    def messages(self) -> list[str]:
        return [e.message for e in self.errors]

    @property
    def codes(self) -> list[str | None]:
        return [e.code for e in self.errors]


class SaleorAuthError(SaleorError):
    """Saleor refused our credentials (HTTP 401/403, or a token/permission GraphQL error)."""

    def __init__(self, operation_name: str, *, status_code: int, messages: Iterable[str] = ()) -> None:
        self.operation_name = operation_name
        self.status_code = status_code
        self.messages = list(messages)
        SaleorError.__init__(self, f"Saleor refused our credentials for {operation_name} (HTTP {status_code})"
                         + (": " + "; ".join(self.messages) if self.messages else ""))


class SaleorGraphQLAuthError(SaleorGraphQLError, SaleorAuthError):
    """A GraphQL error whose code says the token or its permissions are the problem.

    It is both kinds, so ``except SaleorAuthError`` catches every credentials problem,
    whichever way Saleor reported it; it is built like a ``SaleorGraphQLError``.
    """


@dataclass(frozen=True)
class MutationErrorDetail:
    """One entry of a mutation payload's ``errors``; ``index`` is the row of a bulk mutation."""

    field: str | None
    code: str
    message: str | None
    index: int | None = None

    @classmethod
    def from_payload(cls, error: Mapping[str, Any], *, index: int | None = None) -> MutationErrorDetail:
        return cls(field=error.get("field"), code=str(error.get("code")), message=error.get("message"),
                   index=error["index"] if error.get("index") is not None else index)


class SaleorMutationError(SaleorError):
    """A Saleor mutation ran and refused its input."""

    def __init__(self, mutation_field: str, errors: Iterable[MutationErrorDetail]) -> None:
        self.mutation_field = mutation_field
        self.errors = tuple(errors)
        details = "; ".join(f"{e.field or '-'}: {e.code} {e.message or ''}".rstrip() for e in self.errors)
        super().__init__(f"Saleor {mutation_field} refused the input: {details or 'no payload returned'}")

    @property
    def codes(self) -> list[str]:
        return [e.code for e in self.errors]


def raise_for_mutation_errors(payload: Mapping[str, Any], mutation_field: str) -> dict[str, Any]:
    """Return ``payload[mutation_field]`` or raise ``SaleorMutationError`` with its errors.

    ``payload`` is the ``data`` the client returned. Bulk mutations (``stockBulkUpdate``,
    ``productVariantBulkCreate``) also report errors per row in ``results[i].errors``; those
    are collected with the row's index.
    """
    result = payload[mutation_field]
    if result is None:
        raise SaleorMutationError(mutation_field, ())
    errors = [MutationErrorDetail.from_payload(e) for e in result.get("errors") or ()]
    for index, row in enumerate(result.get("results") or ()):
        errors.extend(MutationErrorDetail.from_payload(e, index=index) for e in row.get("errors") or ())
    if errors:
        # Saleor repeats a row's errors in the top-level list (with the row's index): keep one.
        raise SaleorMutationError(mutation_field, dict.fromkeys(errors))
    return result
