from django.urls import path

from . import officer_views, views
from .payments import views as payment_views

app_name = "storefront"

urlpatterns = [
    path("manifest/", views.manifest, name="manifest"),
    path("register/", views.register, name="register"),
    path("webhooks/<slug:event>/", views.webhook, name="webhook"),
    # The card payment app: Saleor's synchronous payment webhooks, and Stripe's webhook.
    path("payments/<slug:event>/", payment_views.saleor_payment_webhook, name="payment_webhook"),
    path("stripe/webhook/", payment_views.stripe_webhook, name="stripe_webhook"),
    path("app/", views.app_page, name="app"),
    path("audit/", officer_views.gate_audit, name="gate_audit"),
]
