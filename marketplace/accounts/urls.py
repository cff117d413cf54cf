"""Sign up, confirm email, log in and out (/accounts/...). Officers keep /admin/login/ too."""
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("resend/", views.resend, name="resend"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
]
