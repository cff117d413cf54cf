"""The applicant's pages (/apply/...)."""
from django.urls import path

from . import applicant_views as views

app_name = "onboarding"
urlpatterns = [
    path("", views.application_form, name="apply"),
    path("communes/", views.communes, name="communes"),
    path("documents/", views.documents, name="documents"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("submit/", views.submit, name="submit"),
    path("status/", views.status, name="status"),
    path("invite/", views.invite, name="invite"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
]
