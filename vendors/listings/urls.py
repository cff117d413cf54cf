"""The vendor portal (/portal/...)."""
from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("listings/", views.listing_list, name="listings"),
    path("listings/new/", views.listing_new, name="listing_new"),
    path("listings/<int:pk>/", views.listing_edit, name="listing_edit"),
    path("users/", views.users, name="users"),
    path("profile/", views.profile, name="profile"),
]
