from django.urls import path

from . import officer_views, views

app_name = "storefront"

urlpatterns = [
    path("manifest/", views.manifest, name="manifest"),
    path("register/", views.register, name="register"),
    path("webhooks/<slug:event>/", views.webhook, name="webhook"),
    path("app/", views.app_page, name="app"),
    path("audit/", officer_views.gate_audit, name="gate_audit"),
]
