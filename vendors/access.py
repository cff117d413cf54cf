"""The one place that decides what a user may reach in the vendor side of the marketplace.

Every vendor-reachable view, form and GraphQL resolver asks `actor_for(user)` and
scopes its queries with `Actor.scope(...)`; another vendor's object is simply not
found (404), never shown or changed.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from vendors.registry.permissions import is_officer


@dataclass(frozen=True)
class Actor:
    user: object
    vendor: object | None  # vendors.onboarding.models.Vendor
    role: str | None  # "owner", "staff" or None
    officer: bool

    @property
    def is_owner(self) -> bool:
        return self.role == "owner"

    def scope(self, queryset: QuerySet, vendor_path: str = "vendor") -> QuerySet:
        """Rows of the actor's own vendor; officers see every vendor's; everyone else none.
        `vendor_path` is "pk" to scope Vendor itself. (The vendor portal acts with
        officer=False, so an officer who also works for a vendor sees only that one there.)"""
        if self.officer:
            return queryset
        if self.vendor is None:
            return queryset.none()
        return queryset.filter(**{vendor_path: self.vendor.pk})

    def get(self, queryset: QuerySet, vendor_path: str = "vendor", **lookup):
        """One row within scope, or Http404 (another vendor's id looks like no id at all)."""
        try:
            return self.scope(queryset, vendor_path).get(**lookup)
        except (queryset.model.DoesNotExist, ValueError):
            raise Http404("Không tìm thấy.") from None

    def require_vendor(self, *, owner: bool = False) -> object:
        """The actor's vendor, for actions only its own users may take (officers act
        through their own pages)."""
        if self.vendor is None:
            raise PermissionDenied("Chỉ người dùng của gian hàng được thực hiện thao tác này.")
        if owner and not self.is_owner:
            raise PermissionDenied("Chỉ chủ gian hàng được thực hiện thao tác này.")
        return self.vendor

    def require_officer(self) -> None:
        if not self.officer:
            raise PermissionDenied("Chỉ cán bộ OCOP được thực hiện thao tác này.")


ANONYMOUS = Actor(user=None, vendor=None, role=None, officer=False)


def actor_for(user) -> Actor:
    """The actor for a user, looked up once per user object (so once per request: the
    navigation and the view share it)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_marketplace_actor", None)
    if cached is not None:
        return cached
    from vendors.onboarding.models import Membership

    membership = Membership.objects.select_related("vendor").filter(user=user).first()
    actor = Actor(
        user=user,
        vendor=membership.vendor if membership else None,
        role=membership.role if membership else None,
        officer=is_officer(user),
    )
    user._marketplace_actor = actor
    return actor


def forget_actor(user) -> None:
    """Drop the cached actor after the user's membership changed in this request."""
    try:
        delattr(user, "_marketplace_actor")  # delattr, not vars(): request.user is a lazy proxy
    except AttributeError:
        pass
