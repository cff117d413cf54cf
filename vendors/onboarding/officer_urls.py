"""Officers' vendor pages (/officer/vendors/...)."""
from django.urls import path

from . import officer_views

app_name = "officer"

urlpatterns = [
    path("", officer_views.vendor_queue, name="queue"),
    path("<int:pk>/", officer_views.vendor_detail, name="vendor"),
    path("<int:pk>/decide/", officer_views.vendor_decide, name="decide"),
]
