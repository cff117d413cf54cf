"""The vendor portal (/portal/...): dashboard, listings, users, profile.

Each view asks vendors.access who the user is (another vendor's listing is a 404, a user
of no vendor gets a 403), reads through selectors, writes through the listing services
and shows a ListingError on the field it names. No OCOP or listing rule is decided here.
"""
from __future__ import annotations

import dataclasses
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

import ocop_rules
from vendors.access import Actor, actor_for
from vendors.registry.models import Certificate
from vendors.registry.selectors import certificate_view

from . import selectors, services
from .forms import ListingCreateForm, ListingEditForm, variant_formset
from .models import Listing, Photo
from .services import ListingError

PAGE_SIZE = 50
# Fields of the listing form a ListingError may name; the variant fields go above the variants.
_PHOTO_FIELD = "photo"
_LISTING_FIELDS = {"certificate", "title", "description"}


def portal_view(view):
    """Signed-in users of a vendor only; the view receives the Actor as its second argument.

    The portal always acts as the vendor's user: an officer who also belongs to a vendor
    sees only that vendor here (officers work through their own pages)."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        actor = actor_for(request.user)
        actor.require_vendor()
        return view(request, dataclasses.replace(actor, officer=False), *args, **kwargs)

    return wrapper


def _show_error(error: ListingError, form) -> str:
    """Put a service's refusal on the listing field it names; return it when it belongs to
    the variants, to be shown above them (ListingError carries no row index)."""
    if error.field in _LISTING_FIELDS and error.field in form.fields:
        form.add_error(error.field, error.message)
        return ""
    if error.field == _PHOTO_FIELD:
        form.add_error("photos", error.message)
        return ""
    return error.message


def _discard_files(photos: list[Photo]) -> None:
    """Files written for photos whose transaction was rolled back (storage is not transactional)."""
    for photo in photos:
        photo.image.delete(save=False)
        photo.thumbnail.delete(save=False)


def _add_photos(listing: Listing, uploads, saved: list[Photo]) -> None:
    for upload in uploads:
        saved.append(services.listing_add_photo(listing=listing, upload=upload))


@require_GET
@portal_view
def dashboard(request: HttpRequest, actor: Actor) -> HttpResponse:
    board = selectors.vendor_dashboard(vendor=actor.vendor, today=timezone.localdate())
    return render(request, "listings/dashboard.html", {"board": board, "actor": actor, "low_stock": selectors.LOW_STOCK})


@require_GET
@portal_view
def listing_list(request: HttpRequest, actor: Actor) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Listing.Status.values:
        status = ""
    listings = actor.scope(Listing.objects.all())
    page = Paginator(selectors.listing_rows(listings, status=status), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.listing_counts(listings)
    return render(
        request,
        "listings/listing_list.html",
        {"page": page, "status": status, "total": counts["all"], "actor": actor,
         "tabs": [(value, label, counts[value]) for value, label in selectors.LISTING_STATUSES]},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def listing_new(request: HttpRequest, actor: Actor) -> HttpResponse:
    today = timezone.localdate()
    post = request.method == "POST"
    offered = selectors.listable_certificates(vendor=actor.vendor, today=today)
    form = ListingCreateForm(
        request.POST if post else None,
        request.FILES if post else None,
        certificates=actor.scope(Certificate.objects.all(), vendor_path="producer__vendor"),
        offered=offered,
    )
    formset = variant_formset(data=request.POST if post else None)
    variants_error = ""
    if post and all([form.is_valid(), formset.is_valid()]):
        saved: list[Photo] = []
        try:
            with transaction.atomic():
                listing = services.listing_create(
                    vendor=actor.vendor,
                    certificate=form.cleaned_data["certificate"],
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    variants=formset.variant_inputs(),
                    publish=request.POST.get("action") != "draft",
                    today=today,
                )
                _add_photos(listing, form.cleaned_data["photos"], saved)
        except ListingError as error:
            _discard_files(saved)
            variants_error = _show_error(error, form)
        else:
            if listing.status == Listing.Status.ACTIVE:
                messages.success(request, f"Đã đăng bán “{listing.title}”.")
            else:
                messages.success(request, f"Đã lưu nháp “{listing.title}”.")
            return redirect("portal:listings")
    return render(
        request,
        "listings/listing_new.html",
        {"form": form, "formset": formset, "variants_error": variants_error, "actor": actor,
         "offered": offered},
    )


@require_http_methods(["GET", "POST"])
@portal_view
def listing_edit(request: HttpRequest, actor: Actor, pk: int) -> HttpResponse:
    listing = actor.get(selectors.listing_for_edit(Listing.objects.all()), pk=pk)
    action = request.POST.get("action", "save")
    if request.method == "POST" and action == "hide":
        services.listing_hide(listing=listing)
        messages.success(request, "Đã ẩn sản phẩm: người mua không còn thấy sản phẩm này.")
        return redirect("portal:listing_edit", pk=listing.pk)
    if request.method == "POST" and action == "publish":
        try:
            services.listing_publish(listing=listing, today=timezone.localdate())
        except ListingError as error:
            messages.error(request, f"Chưa thể đăng bán. {error.message}.")
        else:
            messages.success(request, "Đã đăng bán sản phẩm.")
        return redirect("portal:listing_edit", pk=listing.pk)

    ships = ocop_rules.product_group(listing.certificate.current_product_group).ships
    post = request.method == "POST"
    form = ListingEditForm(
        request.POST if post else None,
        request.FILES if post else None,
        initial={"title": listing.title, "description": listing.description},
    )
    formset = variant_formset(
        data=request.POST if post else None,
        initial=[
            {"id": v.id, "name": v.name, "sku": v.sku, "price_vnd": v.price_vnd,
             "stock": v.stock, "stock_shown": v.stock,  # the edit applies the vendor's change to what is left then
             "weight_grams": v.weight_grams, "limit_per_customer": v.limit_per_customer}
            for v in listing.variants.all()
        ],
        ships=ships,
        can_delete=True,
    )
    variants_error = ""
    if post and all([form.is_valid(), formset.is_valid()]):
        saved: list[Photo] = []
        try:
            with transaction.atomic():
                updated = services.listing_update(
                    listing=listing,
                    title=form.cleaned_data["title"],
                    description=form.cleaned_data["description"],
                    variants=formset.variant_inputs(),
                )
                _add_photos(updated, form.cleaned_data["photos"], saved)
        except ListingError as error:
            _discard_files(saved)
            variants_error = _show_error(error, form)
        else:
            messages.success(request, "Đã lưu thay đổi.")
            return redirect("portal:listing_edit", pk=listing.pk)
    return render(
        request,
        "listings/listing_edit.html",
        {"listing": listing, "form": form, "formset": formset, "variants_error": variants_error,
         "ships": ships, "actor": actor,
         "certificate": certificate_view(listing.certificate, today=timezone.localdate())},
    )


@require_GET
@portal_view
def users(request: HttpRequest, actor: Actor) -> HttpResponse:
    return render(
        request,
        "listings/users.html",
        {
            "members": actor.scope(selectors.members()),
            "invitations": actor.scope(selectors.pending_invitations()),
            # Only the owner invites (the invitation itself is onboarding's view).
            "invite_url": reverse("onboarding:invite") if actor.is_owner else "",
            "actor": actor,
        },
    )


@require_GET
@portal_view
def profile(request: HttpRequest, actor: Actor) -> HttpResponse:
    profile = selectors.vendor_profile(vendor=actor.vendor)
    return render(
        request,
        "listings/profile.html",
        {
            "profile": profile,
            # Staff never change bank details; the owner only while the application is editable.
            "apply_url": reverse("onboarding:apply") if actor.is_owner and profile.application_editable else "",
            "actor": actor,
        },
    )
