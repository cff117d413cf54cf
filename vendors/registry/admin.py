"""The officers' back office (Django admin, in Vietnamese).

Certificates are never edited field by field here: recording, renewing and revoking
go through the services so that each change is kept in the certificate's history.
"""
from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

import ocop_rules

from . import places, selectors
from .forms import RenewForm, RevokeForm
from .models import Certificate, CertificateEvent, Producer, RegistryImport
from .permissions import is_officer
from .services import Decision, RegistryError, certificate_record_decision, certificate_renew, certificate_revoke
from .services.certificates import current_certificate_for_product, decision_problems


class FoldedSearchMixin:
    """Admin search that ignores diacritics: "ca phe" finds "Cà phê"."""

    folded_search_fields: tuple[str, ...] = ()

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        folded = ocop_rules.fold(search_term)
        condition = None
        for name in self.folded_search_fields:
            if name.endswith("tax_number"):
                term = _tax_number_term(search_term)
            elif name.endswith("number"):
                term = search_term.strip()
            else:
                term = folded
            part = Q(**{f"{name}__icontains": term})
            condition = part if condition is None else condition | part
        return queryset.filter(condition), False


def _tax_number_term(search_term: str) -> str:
    """Tax numbers are stored normalised; officers type them as printed ("MST: 0101 234 567")."""
    try:
        return ocop_rules.normalise_tax_number(search_term)
    except ocop_rules.InvalidTaxNumber:
        return search_term.strip()


class ProvinceFilter(admin.SimpleListFilter):
    title = "tỉnh/thành phố (hiện nay)"
    parameter_name = "province"

    def lookups(self, request, model_admin):
        return [(p.code, p.name) for p in selectors.province_choices_in_registry()]

    def queryset(self, request, queryset):
        return queryset.filter(province_code=self.value()) if self.value() else queryset


class FormerDistrictFilter(admin.SimpleListFilter):
    title = "huyện (trước 1/7/2025)"
    parameter_name = "former_district"

    def lookups(self, request, model_admin):
        return [(ocop_rules.fold(name), name) for name in selectors.former_districts()]

    def queryset(self, request, queryset):
        return queryset.filter(issued_district_folded=self.value()) if self.value() else queryset


class ExpiryFilter(admin.SimpleListFilter):
    title = "hết hiệu lực"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("7", "trong 7 ngày"), ("30", "trong 30 ngày"), ("90", "trong 90 ngày"), ("past", "đã qua ngày hiệu lực")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "past":
            return queryset.filter(expires_on__lt=today)
        if self.value() in {"7", "30", "90"}:
            return queryset.filter(
                status=Certificate.Status.VALID,
                expires_on__gte=today,
                expires_on__lte=today + timedelta(days=int(self.value())),
            )
        return queryset


class CertificateEventInline(admin.TabularInline):
    model = CertificateEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "kind", "actor", "source", "reason", "changes")
    readonly_fields = fields
    verbose_name_plural = "Lịch sử thay đổi"

    def has_add_permission(self, request, obj=None):
        return False


class RecordDecisionForm(forms.ModelForm):
    """The add form: a new recognition decision, checked by the OCOP rules."""

    class Meta:
        model = Certificate
        fields = (
            "producer", "number", "product_name", "product_group", "product_subgroup", "star_level", "score",
            "decision_number", "decision_date", "issuing_level", "issuing_authority",
            "issued_province", "issued_district", "issued_commune",
        )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        decision = self.decision()
        for name, message in decision_problems(decision, today=timezone.localdate()):
            self.add_error(name if name in self.fields else None, message)
        existing = current_certificate_for_product(producer=data["producer"], product_name=decision.product_name)
        if existing is not None:
            self.add_error("product_name", f"Sản phẩm đã có giấy chứng nhận {existing.number}: hãy dùng thao tác công nhận lại.")
        return data

    def decision(self) -> Decision:
        data = self.cleaned_data
        return Decision(
            number=data["number"].strip(),
            product_name=data["product_name"].strip(),
            product_group=data["product_group"],
            product_subgroup=data.get("product_subgroup") or "",
            star_level=data["star_level"],
            score=data.get("score"),
            decision_number=data["decision_number"].strip(),
            decision_date=data["decision_date"],
            issuing_level=ocop_rules.IssuingLevel(data["issuing_level"]),
            issuing_authority=data.get("issuing_authority") or "",
            issued_province=data.get("issued_province") or "",
            issued_district=data.get("issued_district") or "",
            issued_commune=data.get("issued_commune") or "",
        )


@admin.register(Certificate)
class CertificateAdmin(FoldedSearchMixin, admin.ModelAdmin):
    list_display = ("number", "product_name", "producer", "stars", "status_badge", "expires_on", "province_name")
    list_filter = ("status", "star_level", "current_product_group", ProvinceFilter, FormerDistrictFilter, ExpiryFilter, "issuing_level")
    folded_search_fields = ("number", "product_name_folded", "producer__name_folded", "producer__tax_number")
    search_help_text = "Tìm theo số GCN, tên sản phẩm, chủ thể hoặc mã số thuế (gõ có dấu hoặc không dấu)."
    list_select_related = ("producer",)
    date_hierarchy = "expires_on"
    inlines = [CertificateEventInline]
    actions = ["revoke_certificates", "renew_certificate"]
    list_per_page = 50

    @admin.display(description="hạng sao", ordering="star_level")
    def stars(self, certificate):
        return "★" * certificate.star_level

    @admin.display(description="trạng thái hôm nay")
    def status_badge(self, certificate):
        status = certificate.current_status(timezone.localdate())
        return format_html('<span title="{}">{}</span>', status.label_en, status.label_vi)

    @admin.display(description="tỉnh (hiện nay)")
    def province_name(self, certificate):
        province = places.province_or_none(certificate.province_code)
        return province.name if province else certificate.issued_province

    def has_module_permission(self, request):
        return is_officer(request.user) or super().has_module_permission(request)

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = RecordDecisionForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        return [f.name for f in Certificate._meta.fields if f.editable]

    def get_fields(self, request, obj=None):
        if obj is None:
            return RecordDecisionForm.Meta.fields
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return  # read-only: changes go through the actions
        certificate = certificate_record_decision(
            decision=form.decision(), producer=form.cleaned_data["producer"], actor=request.user,
            source="Quản trị (admin)", today=timezone.localdate(),
        )
        obj.pk = certificate.pk
        obj.refresh_from_db()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Thu hồi giấy chứng nhận đã chọn (ghi lý do)")
    def revoke_certificates(self, request, queryset):
        form = RevokeForm(request.POST if "apply" in request.POST else None,
                          initial={"revoked_on": timezone.localdate()})
        if "apply" in request.POST and form.is_valid():
            done = 0
            for certificate in queryset:
                try:
                    certificate_revoke(
                        certificate=certificate, revoked_on=form.cleaned_data["revoked_on"],
                        reason=form.cleaned_data["reason"], actor=request.user, source="Quản trị (admin)",
                        today=timezone.localdate(),
                    )
                    done += 1
                except RegistryError as error:
                    self.message_user(request, f"{certificate.number}: {error.message}", messages.ERROR)
            if done:
                self.message_user(request, f"Đã thu hồi {done} giấy chứng nhận.", messages.SUCCESS)
            return None
        return render(request, "admin/registry/certificate_action.html", {
            **self.admin_site.each_context(request),
            "title": "Thu hồi giấy chứng nhận", "form": form, "queryset": queryset,
            "action": "revoke_certificates", "opts": self.model._meta,
        })

    @admin.action(description="Ghi nhận công nhận lại (đánh giá lại) cho giấy chứng nhận đã chọn")
    def renew_certificate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Chọn đúng một giấy chứng nhận để công nhận lại.", messages.WARNING)
            return None
        certificate = queryset.get()
        form = RenewForm(request.POST if "apply" in request.POST else None,
                         initial={"star_level": certificate.star_level, "issuing_level": certificate.issuing_level,
                                  "issuing_authority": certificate.issuing_authority})
        if "apply" in request.POST and form.is_valid():
            data = form.cleaned_data
            decision = Decision(
                number=data["number"].strip(), product_name=certificate.product_name,
                product_group=certificate.product_group, product_subgroup=certificate.product_subgroup,
                star_level=data["star_level"], score=data["score"], decision_number=data["decision_number"].strip(),
                decision_date=data["decision_date"], issuing_level=ocop_rules.IssuingLevel(data["issuing_level"]),
                issuing_authority=data["issuing_authority"], issued_province=certificate.issued_province,
                issued_district=certificate.issued_district, issued_commune=certificate.issued_commune,
            )
            try:
                renewal = certificate_renew(certificate=certificate, decision=decision, actor=request.user,
                                            source="Quản trị (admin)", today=timezone.localdate(), reason=data["reason"])
            except RegistryError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                self.message_user(request, f"Đã ghi nhận công nhận lại: giấy chứng nhận mới {renewal.number}.", messages.SUCCESS)
                return redirect(reverse("admin:registry_certificate_change", args=[renewal.pk]))
        return render(request, "admin/registry/certificate_action.html", {
            **self.admin_site.each_context(request),
            "title": f"Công nhận lại {certificate.number} – {certificate.product_name}", "form": form,
            "queryset": queryset, "action": "renew_certificate", "opts": self.model._meta,
        })


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0
    fields = ("number", "product_name", "star_level", "status", "expires_on")
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProducerForm(forms.ModelForm):
    class Meta:
        model = Producer
        fields = ("kind", "name", "tax_number", "representative", "phone", "email", "street_address",
                  "province_code", "commune_code")

    def clean_tax_number(self):
        try:
            return ocop_rules.normalise_tax_number(self.cleaned_data["tax_number"])
        except ocop_rules.InvalidTaxNumber as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(Producer)
class ProducerAdmin(FoldedSearchMixin, admin.ModelAdmin):
    form = ProducerForm
    list_display = ("name", "kind", "tax_number", "phone", "email", "province_name")
    list_filter = ("kind",)
    folded_search_fields = ("name_folded", "tax_number")
    search_help_text = "Tìm theo tên chủ thể (có dấu hoặc không dấu) hoặc mã số thuế."
    inlines = [CertificateInline]

    def get_readonly_fields(self, request, obj=None):
        return ("tax_number",) if obj else ()

    @admin.display(description="tỉnh (hiện nay)")
    def province_name(self, producer):
        province = places.province_or_none(producer.province_code)
        return province.name if province else ""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegistryImport)
class RegistryImportAdmin(admin.ModelAdmin):
    list_display = ("original_name", "state", "dry_run", "total_rows", "uploaded_by", "created_at")
    list_filter = ("state", "dry_run")
    readonly_fields = [f.name for f in RegistryImport._meta.fields]

    def has_add_permission(self, request):
        return False

    def view_on_site(self, obj):
        return reverse("registry:import_detail", args=[obj.pk])
