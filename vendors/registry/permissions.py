"""Who may change the registry: officers (cán bộ OCOP) hold registry.manage_registry."""
from __future__ import annotations

MANAGE_REGISTRY = "registry.manage_registry"
OFFICERS_GROUP = "Cán bộ OCOP"


def is_officer(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.has_perm(MANAGE_REGISTRY))


def ensure_officers_group():
    """The officers' group with the registry permissions (admin access needs is_staff too)."""
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=OFFICERS_GROUP)
    codenames = [
        "manage_registry",
        "view_certificate", "add_certificate", "change_certificate",
        "view_producer", "add_producer", "change_producer",
        "view_certificateevent", "view_registryimport",
    ]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="registry", codename__in=codenames))
    return group
