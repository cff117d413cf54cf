from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

import ocop_rules
from vendors.registry.models import Certificate


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


def home(request: HttpRequest) -> HttpResponse:
    """The front page: until the shop opens, the registry's public face."""
    live = Certificate.objects.filter(status=Certificate.Status.VALID, expires_on__gte=timezone.localdate())
    by_stars = dict(live.values_list("star_level").annotate(n=Count("id")).values_list("star_level", "n"))
    by_group = dict(live.values_list("current_product_group").annotate(n=Count("id")).values_list("current_product_group", "n"))
    groups = [(group, by_group.get(group.code, 0)) for group in ocop_rules.PRODUCT_GROUPS]
    return render(
        request,
        "marketplace/home.html",
        {"by_stars": [(stars, by_stars.get(stars, 0)) for stars in (5, 4, 3)], "groups": groups,
         "total": sum(by_stars.values())},
    )
