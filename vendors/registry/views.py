"""Public registry pages: the certificate check behind the QR code, its QR image, the lookup."""
from __future__ import annotations

import io
from urllib.parse import quote

import segno
from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

import ocop_rules
from ocop_rules import CertificateStatus

from . import places, selectors
from .selectors import CertificateFilters

PAGE_SIZE = 24
STATUS_CHOICES = [(status.value, status.label_vi) for status in CertificateStatus]


def verify_url(number: str) -> str:
    """The absolute address printed as a QR code on packaging."""
    return settings.SITE_URL + reverse("registry:verify", kwargs={"number": number})


@require_GET
def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    certificate = selectors.certificate_by_number(number)
    wants_json = request.GET.get("format") == "json"
    if certificate is None:
        message = (
            f"Không tìm thấy giấy chứng nhận OCOP số “{number}” trong sổ đăng ký. "
            "Hãy kiểm tra lại số in trên bao bì; nếu đúng số mà vẫn không thấy, sản phẩm có thể "
            "không phải sản phẩm OCOP được công nhận."
        )
        if wants_json:
            return JsonResponse(
                {"error": "not_found", "message": message,
                 "message_en": f"No OCOP certificate numbered '{number}' is in the registry."},
                status=404,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "registry/verify_not_found.html", {"number": number, "message": message}, status=404)
    view = selectors.certificate_view(certificate, today=timezone.localdate())
    if wants_json:
        return JsonResponse(view.as_json(), json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "registry/verify.html",
        {"view": view, "certificate": certificate, "verify_url": verify_url(certificate.number)},
    )


@require_GET
@cache_control(max_age=86400, public=True)
def certificate_qr(request: HttpRequest, number: str, image_format: str) -> HttpResponse:
    """A QR code linking to the certificate's verify page, as SVG (for print) or PNG."""
    certificate = selectors.certificate_by_number(number)
    if certificate is None:
        raise Http404("Không tìm thấy giấy chứng nhận.")
    code = segno.make(verify_url(certificate.number), error="m")
    buffer = io.BytesIO()
    if image_format == "svg":
        code.save(buffer, kind="svg", scale=8, border=2, title=f"OCOP {certificate.number}")
        content_type = "image/svg+xml"
    else:
        code.save(buffer, kind="png", scale=8, border=2)
        content_type = "image/png"
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote('ocop-' + certificate.number)}.{image_format}"
    return response


@require_GET
def certificate_lookup(request: HttpRequest) -> HttpResponse:
    """The registry's public face: search certified products, diacritics-insensitive."""
    params = request.GET
    star = params.get("stars", "")
    filters = CertificateFilters(
        q=params.get("q", "")[:200],
        star_level=int(star) if star in {"3", "4", "5"} else None,
        product_group=params.get("group", "") if params.get("group") in {g.code for g in ocop_rules.PRODUCT_GROUPS} else "",
        province_code=params.get("province", "")[:8],
        former_district=params.get("district", "")[:128],
        status=params.get("status", "") if params.get("status") in {s.value for s in CertificateStatus} else "",
    )
    today = timezone.localdate()
    page = Paginator(selectors.certificate_search(filters, today=today), PAGE_SIZE).get_page(params.get("page"))
    rows = [selectors.certificate_view(certificate, today=today) for certificate in page.object_list]
    query = params.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/lookup.html",
        {
            "filters": filters,
            "page": page,
            "rows": rows,
            "query_string": query.urlencode(),
            "groups": ocop_rules.PRODUCT_GROUPS,
            "provinces": selectors.province_choices_in_registry(),
            "districts": selectors.former_districts(),
            "statuses": STATUS_CHOICES,
            "all_provinces": places.current_provinces(),
        },
    )
