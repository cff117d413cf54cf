from django.urls import path, re_path

from . import officer_views, views

app_name = "registry"

urlpatterns = [
    path("registry/", views.certificate_lookup, name="lookup"),
    path("registry/import/", officer_views.registry_import_upload, name="import_upload"),
    path("registry/import/<int:pk>/", officer_views.registry_import_detail, name="import_detail"),
    path("registry/import/<int:pk>/status/", officer_views.registry_import_status, name="import_status"),
    # Certificate numbers may contain "/" (e.g. "12/GCN-UBND"), hence path and a regex.
    re_path(r"^qr/(?P<number>.+)\.(?P<image_format>svg|png)$", views.certificate_qr, name="qr"),
    path("verify/<path:number>", views.certificate_verify, name="verify"),
]
