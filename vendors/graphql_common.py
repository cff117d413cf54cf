"""What the vendor-side GraphQL API shares: the caller's Actor (once per request), Relay
global ids, and one base mutation that turns every refusal a person can cause into a
typed `errors` list and leaves nothing behind.

An id that is malformed, names another type, names nothing, or names another vendor's
object gives the same `not_found` error: the caller cannot tell these apart, so ids of
other vendors reveal nothing (vendors.access).
"""
from __future__ import annotations

import graphene
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from graphene.utils.str_converters import to_camel_case
from graphql_relay import from_global_id, to_global_id

from vendors.access import Actor, actor_for
from vendors.errors import UserError

NOT_FOUND_MESSAGE = "Không tìm thấy."
PERMISSION_DENIED_MESSAGE = "Bạn không có quyền thực hiện thao tác này."
SIGN_IN_MESSAGE = "Hãy đăng nhập để thực hiện thao tác này."
MAX_PK = 2**63 - 1


class UserErrorType(graphene.ObjectType):
    """A refused request the person can fix; `message` is in Vietnamese."""

    class Meta:
        name = "UserError"

    field = graphene.String(description="Ô nhập (tên camelCase) mà lỗi thuộc về, nếu có.")
    code = graphene.String(required=True)
    message = graphene.String(required=True)

    @classmethod
    def from_error(cls, error: UserError) -> UserErrorType:
        # Services name fields in snake_case; clients send camelCase, and a form puts
        # the message beside the input it sent.
        field = to_camel_case(error.field) if error.field else None
        return cls(field=field, code=error.code, message=error.message)


class NotFound(UserError):
    """An id the caller may not reach, for whatever reason (see the module docstring)."""

    def __init__(self, field: str | None = "id"):
        super().__init__(NOT_FOUND_MESSAGE, code="not_found", field=field)


def request_actor(info) -> Actor:
    """The caller's Actor. actor_for caches it on the user object, so list resolvers asking
    per row cost one lookup per request, and services that change the caller's membership
    (vendorApply makes them an owner) drop that cache themselves (access.forget_actor)."""
    return actor_for(getattr(info.context, "user", None))


def require_user(actor: Actor) -> object:
    if actor.user is None:
        raise PermissionDenied(SIGN_IN_MESSAGE)
    return actor.user


def global_id(type_name: str, pk: int) -> str:
    return to_global_id(type_name, pk)


def pk_from_global_id(value: str | None, type_name: str, *, field: str | None = "id") -> int:
    """The primary key inside a Relay global id of `type_name`; NotFound otherwise."""
    resolved = from_global_id(value or "")  # malformed base64 decodes to ("", "")
    pk = resolved.id
    if resolved.type != type_name or not (pk.isascii() and pk.isdigit()) or int(pk) > MAX_PK:
        raise NotFound(field)
    return int(pk)


def get_in_scope(
    actor: Actor, queryset: QuerySet, value: str | None, type_name: str, *,
    vendor_path: str = "vendor", field: str | None = "id",
):
    """The object a global id names, within the actor's scope; NotFound otherwise."""
    pk = pk_from_global_id(value, type_name, field=field)
    try:
        return actor.get(queryset, vendor_path, pk=pk)
    except Http404:
        raise NotFound(field) from None


class UserErrorMutation(graphene.Mutation):
    """Runs `perform` in one transaction and maps what a person can cause to `errors`:
    UserError (with its field and code), PermissionDenied (`permission_denied`) and
    Http404 (`not_found`). A refused call is rolled back whole, so it changes nothing.
    Programming errors are not caught."""

    class Meta:
        abstract = True

    errors = graphene.List(graphene.NonNull(UserErrorType), required=True)

    @classmethod
    def mutate(cls, root, info, **data):
        actor = request_actor(info)
        try:
            with transaction.atomic():
                payload = cls.perform(info, actor=actor, today=timezone.localdate(), **data)
        except UserError as error:
            return cls(errors=[UserErrorType.from_error(error)])
        except PermissionDenied as error:
            message = str(error) or PERMISSION_DENIED_MESSAGE
            return cls(errors=[UserErrorType(field=None, code="permission_denied", message=message)])
        except Http404:
            return cls(errors=[UserErrorType(field=None, code="not_found", message=NOT_FOUND_MESSAGE)])
        return payload

    @classmethod
    def perform(cls, info, *, actor: Actor, today, **data):
        """Parse the input, check permission, call one service; return the payload."""
        raise NotImplementedError
