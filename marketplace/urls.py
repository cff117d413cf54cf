from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from graphene_django.views import GraphQLView

from . import views
from .shop import views as shop_views

admin.site.site_header = "OCOP Marketplace – Quản trị"
admin.site.site_title = "OCOP Marketplace"
admin.site.index_title = "Sổ đăng ký và vận hành sàn OCOP"

urlpatterns = [
    # The shop's home, also under the name the rest of the site links to.
    path("", shop_views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    # Officers' mutations use the browser session, so CSRF protection stays on.
    path("graphql/", GraphQLView.as_view(graphiql=settings.DEBUG), name="graphql"),
    path("", include("vendors.registry.urls")),
    path("accounts/", include("marketplace.accounts.urls")),
    path("apply/", include("vendors.onboarding.urls")),
    path("officer/vendors/", include("vendors.onboarding.officer_urls")),
    path("portal/", include("vendors.listings.urls")),
    path("saleor/", include("storefront_adapter.urls")),
    path("", include("marketplace.shop.urls")),
    path("", include("marketplace.cart.urls")),
]
if settings.DEBUG:
    # Listing photos in development. MEDIA_ROOT holds only public files (personal data
    # lives in PRIVATE_MEDIA_ROOT); in production the proxy or object storage serves it.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
