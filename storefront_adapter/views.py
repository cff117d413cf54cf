"""The App's endpoints for Saleor: manifest, install handshake, webhooks, and the page
Saleor's Dashboard shows for the App. Server-to-server calls carry no cookie, so the
POST endpoints are CSRF-exempt; they prove themselves otherwise (services)."""
from __future__ import annotations

import json
import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import format_html
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from .manifest import build_manifest
from .services import Refused, installation_register, webhook_receive

logger = logging.getLogger(__name__)


def _refusal(refused: Refused) -> JsonResponse:
    # Saleor shows error.message to the staff member installing the App.
    return JsonResponse({"error": {"message": refused.message}}, status=refused.status)


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(build_manifest())


@csrf_exempt
@require_POST
def register(request: HttpRequest) -> JsonResponse:
    try:
        data = json.loads(request.body)
    except ValueError:
        data = None
    token = data.get("auth_token") if isinstance(data, dict) else None
    try:
        installation_register(api_url=request.headers.get("Saleor-Api-Url", ""), auth_token=token)
    except Refused as refused:
        logger.warning("Saleor app install refused (%s): %s", refused.status, refused.reason)
        return _refusal(refused)
    return JsonResponse({"success": True})


@csrf_exempt
@require_POST
def webhook(request: HttpRequest, event: str) -> JsonResponse:
    try:
        delivery, created = webhook_receive(
            event_slug=event,
            api_url=request.headers.get("Saleor-Api-Url", ""),
            saleor_event=request.headers.get("Saleor-Event"),
            signature=request.headers.get("Saleor-Signature"),
            body=request.body,
        )
    except Refused as refused:
        logger.warning("Saleor webhook %s refused (%s): %s", event, refused.status, refused.reason)
        return _refusal(refused)
    return JsonResponse({"received": delivery.pk, "duplicate": not created})


@xframe_options_exempt  # Saleor's Dashboard shows appUrl in an iframe.
@require_GET
def app_page(request: HttpRequest) -> HttpResponse:
    return HttpResponse(format_html(
        '<!doctype html><html lang="vi"><meta charset="utf-8"><title>OCOP Marketplace</title>'
        '<body style="font-family:sans-serif;margin:2rem">'
        "<h1>OCOP Marketplace</h1>"
        "<p>Ứng dụng đồng bộ sản phẩm OCOP và đơn hàng theo nhà bán với Saleor.</p>"
        '<p><a href="{}" target="_blank" rel="noopener">Mở trang quản trị sàn</a></p>'
        "</body></html>",
        settings.SITE_URL + "/admin/",
    ))
