from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("san-pham/<slug:slug>/", views.product, name="product"),
    path("nha-san-xuat/<int:pk>/", views.producer, name="producer"),
]
