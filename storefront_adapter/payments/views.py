"""The payment app's endpoints: Saleor's synchronous payment webhooks and Stripe's webhook.
Server-to-server, so CSRF-exempt; each proves itself by its signature (sessions, services)."""
from __future__ import annotations

import logging

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from ..services import Refused
from .services import stripe_event_receive
from .sessions import session_answer

logger = logging.getLogger(__name__)


def _refusal(refused: Refused) -> JsonResponse:
    return JsonResponse({"error": {"message": refused.message}}, status=refused.status)


@csrf_exempt
@require_POST
def saleor_payment_webhook(request: HttpRequest, event: str) -> JsonResponse:
    try:
        answer = session_answer(
            event_slug=event,
            api_url=request.headers.get("Saleor-Api-Url", ""),
            saleor_event=request.headers.get("Saleor-Event"),
            signature=request.headers.get("Saleor-Signature"),
            body=request.body,
        )
    except Refused as refused:
        logger.warning("Saleor payment webhook %s refused (%s): %s", event, refused.status, refused.reason)
        return _refusal(refused)
    return JsonResponse(answer)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> JsonResponse:
    try:
        row, created = stripe_event_receive(payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except Refused as refused:
        logger.warning("Stripe webhook refused (%s): %s", refused.status, refused.reason)
        return _refusal(refused)
    return JsonResponse({"received": row.stripe_id, "duplicate": not created})
