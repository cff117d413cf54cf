"""The buyer's cart, checkout and order pages (URLs are the contract of issue 5)."""
from django.urls import path

from . import views

app_name = "cart"
urlpatterns = [
    path("gio-hang/", views.cart_page, name="view"),
    path("gio-hang/them/", views.cart_add, name="add"),
    path("gio-hang/dong/<str:line_id>/", views.cart_line, name="line"),
    path("thanh-toan/", views.checkout_page, name="checkout"),
    path("thanh-toan/the/", views.card_page, name="card"),
    path("thanh-toan/the/xong/", views.card_return, name="card_return"),
    path("don-hang/tra-cuu/", views.order_lookup, name="order_lookup"),
    path("don-hang/<str:token>/", views.order_page, name="order"),
]
