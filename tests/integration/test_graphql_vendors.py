"""GraphQL: vendor applications, officers' decisions and listings, each reachable only
by those who may; refusals are typed errors that change nothing."""
from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from graphql_relay import to_global_id

from tests.integration.factories import PASSWORD, make_certificate, make_officer, make_producer
from vendors.listings.models import Listing, OutboxEvent, Variant
from vendors.listings.services import VariantInput, listing_create, listing_hide
from vendors.onboarding.models import Decision, Document, Membership, Vendor

pytestmark = pytest.mark.django_db

LISTING_FIELDS = """id title description status statusLabel hiddenReason
  certificate { id number starLevel validUntil }
  variants { id name sku priceVnd stock weightGrams }"""
VENDOR_FIELDS = """id name state stateLabel taxNumber provinceCode producer { name taxNumber }
  decisions { action reason } bankAccountNumber identityNumber"""

APPLY = """mutation Apply($input: VendorApplicationInput!) {
  vendorApply(input: $input) { vendor { %s } errors { field code message } } }""" % VENDOR_FIELDS
SUBMIT = "mutation { vendorSubmit { vendor { %s } errors { field code message } } }" % VENDOR_FIELDS
APPROVE = """mutation Approve($id: ID!, $reason: String) {
  vendorApprove(id: $id, reason: $reason) { vendor { %s } errors { field code message } } }""" % VENDOR_FIELDS
REJECT = """mutation Reject($id: ID!, $reason: String!) {
  vendorReject(id: $id, reason: $reason) { vendor { %s } errors { field code message } } }""" % VENDOR_FIELDS
REQUEST_CHANGES = """mutation RequestChanges($id: ID!, $reason: String!) {
  vendorRequestChanges(id: $id, reason: $reason) { vendor { %s } errors { field code message } } }""" % VENDOR_FIELDS
SUSPEND = """mutation Suspend($id: ID!, $reason: String!) {
  vendorSuspend(id: $id, reason: $reason) { vendor { %s } errors { field code message } } }""" % VENDOR_FIELDS
REINSTATE = """mutation Reinstate($id: ID!, $reason: String) {
  vendorReinstate(id: $id, reason: $reason) { vendor { %s } errors { field code message } } }""" % VENDOR_FIELDS
CREATE = """mutation Create($input: ListingInput!) {
  listingCreate(input: $input) { listing { %s } errors { field code message } } }""" % LISTING_FIELDS
UPDATE = """mutation Update($id: ID!, $input: ListingUpdateInput!) {
  listingUpdate(id: $id, input: $input) { listing { %s } errors { field code message } } }""" % LISTING_FIELDS
HIDE = """mutation Hide($id: ID!) {
  listingHide(id: $id) { listing { %s } errors { field code message } } }""" % LISTING_FIELDS
PUBLISH = """mutation Publish($id: ID!) {
  listingPublish(id: $id) { listing { %s } errors { field code message } } }""" % LISTING_FIELDS

NOT_FOUND = [{"field": "id", "code": "not_found", "message": "Không tìm thấy."}]
VENDOR_USERS_ONLY = [{"field": None, "code": "permission_denied",
                      "message": "Chỉ người dùng của gian hàng được thực hiện thao tác này."}]
OFFICERS_ONLY = [{"field": None, "code": "permission_denied",
                  "message": "Chỉ cán bộ OCOP được thực hiện thao tác này."}]
NOT_OWNER = [{"field": "certificate", "code": "not_owner",
              "message": "Giấy chứng nhận này không thuộc chủ thể của gian hàng."}]


# --- setup ------------------------------------------------------------------------------

@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test makes several users; the production hasher would dominate the run.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_account(name: str):
    return get_user_model().objects.create_user(
        email=f"{name}@example.vn", password=PASSWORD, email_confirmed_at=timezone.now()
    )


def make_vendor(name: str, *, producer, state: str = "approved") -> Vendor:
    return Vendor.objects.create(
        state=state, producer=producer, kind="htx", name=name, tax_number=producer.tax_number,
        province_code="68", commune_code="24733", street_address="Thôn 3", representative_name="Nguyễn Văn Nam",
        phone="0905111222", identity_number="012345678901", bank_name="Agribank",
        bank_account_number="0123456789", bank_account_holder=name,
    )


def add_member(vendor: Vendor, name: str, role: str = "owner"):
    user = make_account(name)
    Membership.objects.create(vendor=vendor, user=user, role=role)
    return user


def variant(sku: str, price_vnd: int = 120_000, **extra) -> dict:
    return {"name": "250 g", "sku": sku, "priceVnd": price_vnd, "stock": 10, "weightGrams": 250, **extra}


def make_listing(vendor: Vendor, certificate, sku: str, *, variants: int = 1) -> Listing:
    return listing_create(
        vendor=vendor, certificate=certificate, variants=[
            VariantInput(name=f"{250 * (i + 1)} g", sku=f"{sku}-{i}", price_vnd=120_000, stock=10,
                         weight_grams=250 * (i + 1))
            for i in range(variants)
        ], today=timezone.localdate(),
    )


def gid(obj) -> str:
    return to_global_id(type(obj).__name__, obj.pk)


@dataclass
class World:
    vendor: Vendor
    owner: object
    staff: object
    certificate: object
    listing: Listing
    other_vendor: Vendor
    other_owner: object
    other_listing: Listing
    officer: object
    buyer: object

    def user(self, who: str):
        return {"anonymous": None, "buyer": self.buyer, "other_owner": self.other_owner, "own_staff": self.staff,
                "own_owner": self.owner, "officer": self.officer}[who]


@pytest.fixture
def world(db) -> World:
    producer = make_producer("HTX Nông nghiệp Nhân Đạo")
    certificate = make_certificate(producer=producer, product_name="Cà phê Robusta rang mộc")
    vendor = make_vendor("HTX Nông nghiệp Nhân Đạo", producer=producer)
    other_producer = make_producer("HTX Mật ong Kiến Đức")
    other_vendor = make_vendor("HTX Mật ong Kiến Đức", producer=other_producer)
    other_certificate = make_certificate(producer=other_producer, product_name="Mật ong")
    return World(
        vendor=vendor,
        owner=add_member(vendor, "chu", "owner"),
        staff=add_member(vendor, "nhanvien", "staff"),
        certificate=certificate,
        listing=make_listing(vendor, certificate, "CF"),
        other_vendor=other_vendor,
        other_owner=add_member(other_vendor, "chukhac", "owner"),
        other_listing=make_listing(other_vendor, other_certificate, "MO"),
        officer=make_officer(),
        buyer=make_account("nguoimua"),
    )


def login(client, user) -> None:
    if user is not None:
        client.force_login(user)


def gql(client, query, variables=None):
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def application(**changes) -> dict:
    return {
        "kind": "htx", "name": "HTX Cà phê Kiến Đức", "taxNumber": "6400 999 888", "provinceCode": "68",
        "communeCode": "24733", "streetAddress": "Thôn 5", "representativeName": "Trần Thị Hoa",
        "phone": "0905 333 444", "identityNumber": "079123456789", "bankName": "Vietcombank",
        "bankAccountNumber": "9988776655", "bankAccountHolder": "HTX Cà phê Kiến Đức", **changes,
    }


# --- who may do what ----------------------------------------------------------------------

ROLES = ["anonymous", "buyer", "other_owner", "own_staff", "own_owner", "officer"]
EXPECTED_ERRORS = {
    "listingCreate": {"anonymous": VENDOR_USERS_ONLY, "buyer": VENDOR_USERS_ONLY, "other_owner": NOT_OWNER,
                      "own_staff": [], "own_owner": [], "officer": VENDOR_USERS_ONLY},
    **{
        operation: {"anonymous": VENDOR_USERS_ONLY, "buyer": VENDOR_USERS_ONLY, "other_owner": NOT_FOUND,
                    "own_staff": [], "own_owner": [], "officer": VENDOR_USERS_ONLY}
        for operation in ("listingUpdate", "listingHide", "listingPublish")
    },
    **{
        operation: {who: OFFICERS_ONLY for who in ROLES} | {"officer": []}
        for operation in ("vendorApprove", "vendorSuspend")
    },
}


def prepare(world: World, operation: str) -> tuple[str, dict]:
    """The call each role makes, on the own vendor's objects, in a state where it can succeed."""
    if operation == "listingCreate":
        return CREATE, {"input": {"certificate": gid(world.certificate), "title": "Cà phê hạt",
                                  "variants": [variant("CF-HAT-500")]}}
    if operation == "listingUpdate":
        existing = world.listing.variants.get()
        return UPDATE, {"id": gid(world.listing), "input": {
            "title": "Cà phê Robusta (mùa mới)", "description": "Rang mộc",
            "variants": [variant(existing.sku, 135_000, id=gid(existing))]}}
    if operation == "listingHide":
        return HIDE, {"id": gid(world.listing)}
    if operation == "listingPublish":
        listing_hide(listing=world.listing)
        return PUBLISH, {"id": gid(world.listing)}
    if operation == "vendorApprove":
        Vendor.objects.filter(pk=world.vendor.pk).update(state="submitted", submitted_at=timezone.now())
        return APPROVE, {"id": gid(world.vendor), "reason": "Đủ điều kiện"}
    assert operation == "vendorSuspend"
    return SUSPEND, {"id": gid(world.vendor), "reason": "Vi phạm chất lượng"}


def snapshot(world: World) -> dict:
    listing = Listing.objects.get(pk=world.listing.pk)
    vendor = Vendor.objects.get(pk=world.vendor.pk)
    return {
        "counts": (Listing.objects.count(), Variant.objects.count(), OutboxEvent.objects.count(),
                   Decision.objects.count()),
        "listing": (listing.title, listing.description, listing.status, listing.hidden_by, listing.hidden_reason,
                    list(listing.variants.values_list("sku", "price_vnd", "stock"))),
        "vendor": (vendor.state, vendor.approved_at),
    }


def assert_done(world: World, operation: str, payload: dict) -> None:
    listing = Listing.objects.get(pk=world.listing.pk)
    vendor = Vendor.objects.get(pk=world.vendor.pk)
    if operation == "listingCreate":
        created = Listing.objects.get(title="Cà phê hạt")
        assert (created.vendor, created.status, payload["listing"]["id"]) == (world.vendor, "active", gid(created))
    elif operation == "listingUpdate":
        assert (listing.title, list(listing.variants.values_list("price_vnd", flat=True))) == (
            "Cà phê Robusta (mùa mới)", [135_000])
    elif operation == "listingHide":
        assert (listing.status, listing.hidden_by) == ("hidden", "vendor")
    elif operation == "listingPublish":
        assert (listing.status, listing.hidden_by) == ("active", "")
    elif operation == "vendorApprove":
        assert (vendor.state, payload["vendor"]["state"]) == ("approved", "APPROVED")
    else:
        assert (vendor.state, payload["vendor"]["state"]) == ("suspended", "SUSPENDED")


@pytest.mark.parametrize("who", ROLES)
@pytest.mark.parametrize("operation", list(EXPECTED_ERRORS))
def test_only_those_who_may_act_succeed_and_refusals_change_nothing(
    client, world, operation, who, django_capture_on_commit_callbacks
):
    # given
    query, variables = prepare(world, operation)
    login(client, world.user(who))
    before = snapshot(world)
    # when
    with django_capture_on_commit_callbacks() as callbacks:
        payload = gql(client, query, variables)[operation]
    # then
    expected = EXPECTED_ERRORS[operation][who]
    assert payload["errors"] == expected
    if expected:
        assert next(value for key, value in payload.items() if key != "errors") is None
        assert snapshot(world) == before
        assert callbacks == []  # no email, no re-check, nothing queued
        assert mail.outbox == []
    else:
        assert_done(world, operation, payload)


# --- ids ------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["certificate_id", "malformed", "raw_pk", "unknown", "huge", "other_vendor"])
def test_an_id_the_caller_cannot_reach_is_not_found_whatever_is_wrong_with_it(client, world, kind):
    # given
    listing_id = {
        "certificate_id": gid(world.certificate),
        "malformed": "không-phải-id!",
        "raw_pk": str(world.listing.pk),
        "unknown": to_global_id("Listing", 987654),
        "huge": to_global_id("Listing", 10**30),
        "other_vendor": gid(world.other_listing),
    }[kind]
    client.force_login(world.owner)
    before = snapshot(world)
    other_before = Listing.objects.get(pk=world.other_listing.pk).status
    # when
    hide = gql(client, HIDE, {"id": listing_id})["listingHide"]
    seen = gql(client, "query ($id: ID!) { listing(id: $id) { id } }", {"id": listing_id})["listing"]
    # then
    assert hide == {"listing": None, "errors": NOT_FOUND}
    assert seen is None
    assert snapshot(world) == before
    assert Listing.objects.get(pk=world.other_listing.pk).status == other_before == "active"


def test_an_officer_naming_a_vendor_by_a_listing_id_gets_not_found(client, world):
    client.force_login(world.officer)
    before = snapshot(world)
    for query, variables in ((SUSPEND, {"id": gid(world.listing), "reason": "x"}),
                             (SUSPEND, {"id": "%%%", "reason": "x"}),
                             (REINSTATE, {"id": to_global_id("Vendor", 987654)})):
        payload = next(iter(gql(client, query, variables).values()))
        assert payload == {"vendor": None, "errors": NOT_FOUND}
    assert snapshot(world) == before
    assert gql(client, '{ vendor(id: "%s") { id } }' % gid(world.listing)) == {"vendor": None}


def test_creating_a_listing_of_a_listing_id_instead_of_a_certificate_is_not_found(client, world):
    client.force_login(world.owner)
    before = snapshot(world)
    payload = gql(client, CREATE, {"input": {"certificate": gid(world.listing), "variants": [variant("CF-X")]}})
    assert payload["listingCreate"] == {
        "listing": None, "errors": [{"field": "certificate", "code": "not_found", "message": "Không tìm thấy."}]}
    assert snapshot(world) == before


@pytest.mark.parametrize("variant_id", ["other_listing", "wrong_type", "malformed"])
def test_updating_with_a_variant_of_another_listing_is_refused(client, world, variant_id):
    foreign = world.other_listing.variants.get()
    value = {"other_listing": gid(foreign), "wrong_type": gid(world.listing), "malformed": "???"}[variant_id]
    client.force_login(world.owner)
    before = snapshot(world)
    payload = gql(client, UPDATE, {"id": gid(world.listing), "input": {
        "title": "Cà phê", "description": "", "variants": [variant("CF-NEW", id=value)]}})["listingUpdate"]
    assert payload["listing"] is None
    assert payload["errors"] == [{"field": "variants", "code": "not_found",
                                  "message": "Không tìm thấy phân loại." if variant_id == "other_listing"
                                  else "Không tìm thấy."}]
    assert snapshot(world) == before
    assert Variant.objects.get(pk=foreign.pk).sku == "MO-0"


# --- bad input --------------------------------------------------------------------------

def test_a_price_of_zero_is_a_typed_error_and_creates_nothing(client, world):
    client.force_login(world.staff)
    before = snapshot(world)
    payload = gql(client, CREATE, {"input": {"certificate": gid(world.certificate),
                                             "variants": [variant("CF-FREE", 0)]}})["listingCreate"]
    assert payload == {"listing": None, "errors": [
        {"field": "priceVnd", "code": "invalid", "message": "Giá phải lớn hơn 0 đồng."}]}
    assert snapshot(world) == before


def test_updating_to_a_price_of_zero_changes_nothing(client, world):
    existing = world.listing.variants.get()
    client.force_login(world.owner)
    before = snapshot(world)
    payload = gql(client, UPDATE, {"id": gid(world.listing), "input": {
        "title": "Cà phê mới", "description": "", "variants": [variant(existing.sku, 0, id=gid(existing))]}})
    assert payload["listingUpdate"]["errors"] == [
        {"field": "priceVnd", "code": "invalid", "message": "Giá phải lớn hơn 0 đồng."}]
    assert snapshot(world) == before


def test_an_invalid_tax_number_is_a_typed_error_on_its_field(client, world):
    user = make_account("nguoimoi")
    client.force_login(user)
    payload = gql(client, APPLY, {"input": application(taxNumber="12")})["vendorApply"]
    assert payload["vendor"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("taxNumber", "invalid")]
    assert not Membership.objects.filter(user=user).exists()


def test_rejecting_without_a_reason_is_a_typed_error(client, world):
    Vendor.objects.filter(pk=world.vendor.pk).update(state="submitted")
    client.force_login(world.officer)
    payload = gql(client, REJECT, {"id": gid(world.vendor), "reason": "   "})["vendorReject"]
    assert payload == {"vendor": None, "errors": [{"field": "reason", "code": "required", "message": "Cần ghi lý do."}]}
    assert Vendor.objects.get(pk=world.vendor.pk).state == "submitted"


def test_anonymous_cannot_apply(client, db):
    payload = gql(client, APPLY, {"input": application()})["vendorApply"]
    assert payload == {"vendor": None, "errors": [
        {"field": None, "code": "permission_denied", "message": "Hãy đăng nhập để thực hiện thao tác này."}]}
    assert Vendor.objects.count() == 0


# --- happy paths: onboarding ------------------------------------------------------------------

def test_a_user_applies_then_edits_the_same_draft(client, db):
    user = make_account("ungvien")
    client.force_login(user)
    created = gql(client, APPLY, {"input": application()})["vendorApply"]
    assert created["errors"] == []
    vendor = Vendor.objects.get()
    assert created["vendor"] == {
        "id": gid(vendor), "name": "HTX Cà phê Kiến Đức", "state": "DRAFT", "stateLabel": "Bản nháp",
        "taxNumber": "6400999888", "provinceCode": "68", "producer": None, "decisions": [],
        "bankAccountNumber": "9988776655", "identityNumber": "079123456789",
    }
    assert Membership.objects.get(user=user).role == "owner"
    edited = gql(client, APPLY, {"input": application(name="HTX Cà phê Kiến Đức 2")})["vendorApply"]
    assert (edited["errors"], edited["vendor"]["id"], edited["vendor"]["name"]) == (
        [], gid(vendor), "HTX Cà phê Kiến Đức 2")
    assert Vendor.objects.count() == 1


def test_the_owner_submits_and_the_registry_producer_is_linked(client, world):
    producer = make_producer("HTX Cà phê Kiến Đức", tax_number="6400999888")
    vendor = Vendor.objects.create(
        state="draft", kind="htx", name="HTX Cà phê Kiến Đức", tax_number="6400999888", province_code="68",
        commune_code="24733", street_address="Thôn 5", representative_name="Trần Thị Hoa", phone="0905333444",
        identity_number="079123456789", bank_name="Vietcombank", bank_account_number="9988776655",
        bank_account_holder="HTX Cà phê Kiến Đức")
    owner = add_member(vendor, "ungvien", "owner")
    Document.objects.create(vendor=vendor, file="vendor-documents/giay-phep.pdf", original_name="giay-phep.pdf",
                            content_type="application/pdf", size=1000, uploaded_by=owner)
    client.force_login(owner)
    payload = gql(client, SUBMIT)["vendorSubmit"]
    assert payload["errors"] == []
    assert (payload["vendor"]["state"], payload["vendor"]["producer"], payload["vendor"]["decisions"]) == (
        "SUBMITTED", {"name": producer.name, "taxNumber": "6400999888"}, [{"action": "SUBMIT", "reason": ""}])


def test_officer_approves_a_submitted_application_and_the_owner_is_emailed(
    client, world, django_capture_on_commit_callbacks
):
    Vendor.objects.filter(pk=world.vendor.pk).update(state="submitted")
    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        payload = gql(client, APPROVE, {"id": gid(world.vendor), "reason": "Đủ điều kiện"})["vendorApprove"]
    assert payload["errors"] == []
    assert (payload["vendor"]["state"], payload["vendor"]["decisions"]) == (
        "APPROVED", [{"action": "APPROVE", "reason": "Đủ điều kiện"}])
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["chu@example.vn"], "[OCOP] Hồ sơ gian hàng OCOP đã được duyệt")]


@pytest.mark.parametrize(("query", "name", "state", "action"), [
    (REJECT, "vendorReject", "REJECTED", "REJECT"),
    (REQUEST_CHANGES, "vendorRequestChanges", "CHANGES_REQUESTED", "REQUEST_CHANGES"),
])
def test_officer_rejects_or_requests_changes_with_a_reason(client, world, query, name, state, action):
    Vendor.objects.filter(pk=world.vendor.pk).update(state="submitted")
    client.force_login(world.officer)
    payload = gql(client, query, {"id": gid(world.vendor), "reason": "Thiếu giấy phép"})[name]
    assert payload["errors"] == []
    assert (payload["vendor"]["state"], payload["vendor"]["decisions"]) == (
        state, [{"action": action, "reason": "Thiếu giấy phép"}])
    assert Vendor.objects.get(pk=world.vendor.pk).state == state.lower()


def test_suspension_hides_the_listings_and_reinstatement_shows_them_again(
    client, world, django_capture_on_commit_callbacks
):
    client.force_login(world.officer)
    with django_capture_on_commit_callbacks(execute=True):
        suspended = gql(client, SUSPEND, {"id": gid(world.vendor), "reason": "Vi phạm chất lượng"})["vendorSuspend"]
    assert (suspended["errors"], suspended["vendor"]["state"]) == ([], "SUSPENDED")
    listing = Listing.objects.get(pk=world.listing.pk)
    assert (listing.status, listing.hidden_by) == ("hidden", "system")
    assert OutboxEvent.objects.filter(listing=listing).last().kind == "listing.unpublish"
    assert Listing.objects.get(pk=world.other_listing.pk).status == "active"

    with django_capture_on_commit_callbacks(execute=True):
        reinstated = gql(client, REINSTATE, {"id": gid(world.vendor)})["vendorReinstate"]
    assert (reinstated["errors"], reinstated["vendor"]["state"]) == ([], "APPROVED")
    assert [d["action"] for d in reinstated["vendor"]["decisions"]] == ["SUSPEND", "REINSTATE"]
    listing.refresh_from_db()
    assert (listing.status, listing.hidden_by, listing.hidden_reason) == ("active", "", "")


def test_suspending_a_vendor_twice_is_a_typed_error(client, world):
    Vendor.objects.filter(pk=world.vendor.pk).update(state="suspended")
    client.force_login(world.officer)
    payload = gql(client, SUSPEND, {"id": gid(world.vendor), "reason": "x"})["vendorSuspend"]
    assert payload == {"vendor": None, "errors": [{
        "field": None, "code": "invalid_state",
        "message": "Không thực hiện được: gian hàng đang ở trạng thái “Bị tạm ngừng”."}]}


# --- happy paths: listings -----------------------------------------------------------------

def test_a_vendor_user_lists_a_certificate_for_sale(client, world):
    client.force_login(world.staff)
    certificates = gql(client, "{ myCertificates { id number } }")["myCertificates"]
    assert certificates == [{"id": gid(world.certificate), "number": world.certificate.number}]
    payload = gql(client, CREATE, {"input": {
        "certificate": certificates[0]["id"], "title": "Cà phê hạt Robusta", "description": "Rang mộc",
        "variants": [variant("cf-hat-500", 210_000, name="500 g", weightGrams=500)]}})["listingCreate"]
    assert payload["errors"] == []
    listing = Listing.objects.get(title="Cà phê hạt Robusta")
    created_variant = listing.variants.get()
    assert payload["listing"] == {
        "id": gid(listing), "title": "Cà phê hạt Robusta", "description": "Rang mộc", "status": "ACTIVE",
        "statusLabel": "Đang bán", "hiddenReason": None,
        "certificate": {"id": gid(world.certificate), "number": world.certificate.number, "starLevel": 4,
                        "validUntil": world.certificate.expires_on.isoformat()},
        "variants": [{"id": gid(created_variant), "name": "500 g", "sku": "CF-HAT-500", "priceVnd": 210_000,
                      "stock": 10, "weightGrams": 500}],
    }
    assert list(listing.outbox_events.values_list("kind", flat=True)) == ["listing.upsert"]


def test_a_listing_saved_as_a_draft_writes_no_outbox_event(client, world):
    client.force_login(world.owner)
    payload = gql(client, CREATE, {"input": {"certificate": gid(world.certificate), "publish": False,
                                             "variants": [variant("CF-DRAFT")]}})["listingCreate"]
    assert (payload["errors"], payload["listing"]["status"], payload["listing"]["title"]) == (
        [], "DRAFT", "Cà phê Robusta rang mộc")
    draft = Listing.objects.get(status="draft")
    assert (gid(draft), draft.outbox_events.count()) == (payload["listing"]["id"], 0)


def test_a_vendor_user_updates_replaces_and_adds_variants(client, world):
    existing = world.listing.variants.get()
    client.force_login(world.owner)
    payload = gql(client, UPDATE, {"id": gid(world.listing), "input": {
        "title": "Cà phê Robusta", "description": "Vụ mới", "variants": [
            variant(existing.sku, 125_000, id=gid(existing), stock=3),
            variant("CF-1KG", 450_000, name="1 kg", weightGrams=1000)]}})["listingUpdate"]
    assert payload["errors"] == []
    variants = payload["listing"]["variants"]
    assert [(v["id"] == gid(existing), v["sku"], v["priceVnd"], v["stock"]) for v in variants] == [
        (True, existing.sku, 125_000, 3), (False, "CF-1KG", 450_000, 10)]
    assert (payload["listing"]["title"], payload["listing"]["description"]) == ("Cà phê Robusta", "Vụ mới")
    assert world.listing.outbox_events.last().kind == "listing.upsert"


def test_a_variant_update_with_stock_shown_applies_only_the_vendors_change(client, world):
    # given the app showed stock 10, and buyers took 3 since (7 left)
    existing = world.listing.variants.get()
    Variant.objects.filter(pk=existing.pk).update(stock=7)
    client.force_login(world.owner)
    # when the vendor changes the price and sends the stock as it was shown
    payload = gql(client, UPDATE, {"id": gid(world.listing), "input": {
        "title": world.listing.title, "description": "", "variants": [
            variant(existing.sku, 125_000, id=gid(existing), stock=10, stockShown=10)]}})["listingUpdate"]
    # then the price changes and the 7 left stay 7
    assert payload["errors"] == []
    assert [(v["priceVnd"], v["stock"]) for v in payload["listing"]["variants"]] == [(125_000, 7)]


def test_a_vendor_user_hides_and_publishes_a_listing(client, world):
    client.force_login(world.staff)
    hidden = gql(client, HIDE, {"id": gid(world.listing)})["listingHide"]
    assert (hidden["errors"], hidden["listing"]["status"], hidden["listing"]["hiddenReason"]) == (
        [], "HIDDEN", "Gian hàng đã ẩn sản phẩm này.")
    published = gql(client, PUBLISH, {"id": gid(world.listing)})["listingPublish"]
    assert (published["errors"], published["listing"]["status"], published["listing"]["hiddenReason"]) == (
        [], "ACTIVE", None)
    assert list(world.listing.outbox_events.values_list("kind", flat=True)) == [
        "listing.upsert", "listing.unpublish", "listing.upsert"]


def test_a_suspended_vendor_cannot_publish(client, world):
    listing_hide(listing=world.listing)
    Vendor.objects.filter(pk=world.vendor.pk).update(state="suspended")
    client.force_login(world.owner)
    before = snapshot(world)
    payload = gql(client, PUBLISH, {"id": gid(world.listing)})["listingPublish"]
    assert payload["listing"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("certificate", "vendor_suspended")]
    assert snapshot(world) == before


# --- queries --------------------------------------------------------------------------------

MY_VENDOR = "{ myVendor { id name bankAccountNumber identityNumber bankName bankAccountHolder } }"


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", None),
    ("buyer", None),
    ("officer", None),
    ("own_staff", {"name": "HTX Nông nghiệp Nhân Đạo", "bankAccountNumber": None, "identityNumber": None,
                   "bankName": None, "bankAccountHolder": None}),
    ("own_owner", {"name": "HTX Nông nghiệp Nhân Đạo", "bankAccountNumber": "0123456789",
                   "identityNumber": "012345678901", "bankName": "Agribank",
                   "bankAccountHolder": "HTX Nông nghiệp Nhân Đạo"}),
])
def test_my_vendor_shows_bank_details_to_the_owner_only(client, world, who, expected):
    login(client, world.user(who))
    data = gql(client, MY_VENDOR)["myVendor"]
    assert data == (None if expected is None else {"id": gid(world.vendor), **expected})


@pytest.mark.parametrize(("who", "sees", "sees_bank"), [
    ("anonymous", False, False), ("buyer", False, False), ("other_owner", False, False),
    ("own_staff", True, False), ("own_owner", True, True), ("officer", True, True),
])
def test_vendor_query_is_scoped(client, world, who, sees, sees_bank):
    login(client, world.user(who))
    data = gql(client, '{ vendor(id: "%s") { id bankAccountNumber } }' % gid(world.vendor))["vendor"]
    assert data == ({"id": gid(world.vendor), "bankAccountNumber": "0123456789" if sees_bank else None}
                    if sees else None)


@pytest.mark.parametrize(("who", "sees"), [
    ("anonymous", False), ("buyer", False), ("other_owner", False),
    ("own_staff", True), ("own_owner", True), ("officer", True),
])
def test_listing_query_is_scoped(client, world, who, sees):
    login(client, world.user(who))
    data = gql(client, '{ listing(id: "%s") { id title } }' % gid(world.listing))["listing"]
    assert data == ({"id": gid(world.listing), "title": "Cà phê Robusta rang mộc"} if sees else None)


def test_my_listings_are_the_callers_vendors_only_and_filter_by_status(client, world):
    hidden = make_listing(world.vendor, world.certificate, "CF-AN")
    listing_hide(listing=hidden)
    client.force_login(world.staff)
    everything = gql(client, "{ myListings { id } }")["myListings"]
    assert sorted(item["id"] for item in everything) == sorted([gid(world.listing), gid(hidden)])
    assert gql(client, "{ myListings(status: HIDDEN) { id status } }")["myListings"] == [
        {"id": gid(hidden), "status": "HIDDEN"}]


@pytest.mark.parametrize("who", ["anonymous", "buyer", "officer"])
def test_my_listings_is_empty_for_those_without_a_vendor(client, world, who):
    login(client, world.user(who))
    assert gql(client, "{ myListings { id } }") == {"myListings": []}


def test_my_listings_costs_the_same_queries_for_one_and_twenty_listings(client, world):
    query = "{ myListings { %s } }" % LISTING_FIELDS
    client.force_login(world.owner)
    with CaptureQueriesContext(connection) as one:
        assert len(gql(client, query)["myListings"]) == 1
    for index in range(19):
        make_listing(world.vendor, world.certificate, f"CF{index}", variants=2)
    with CaptureQueriesContext(connection) as twenty:
        assert len(gql(client, query)["myListings"]) == 20
    assert len(one.captured_queries) == len(twenty.captured_queries)
    listing_queries = [q["sql"] for q in twenty.captured_queries if '"listings_' in q["sql"]]
    assert len(listing_queries) == 2  # listings with their certificates, then all their variants


APPLICATIONS = """query ($state: VendorState, $province: String) {
  vendorApplications(state: $state, provinceCode: $province) { %s } }"""


def submitted_vendor(name: str, province_code: str = "68") -> Vendor:
    vendor = make_vendor(name, producer=make_producer(name), state="submitted")
    Vendor.objects.filter(pk=vendor.pk).update(submitted_at=timezone.now(), province_code=province_code)
    Decision.objects.create(vendor=vendor, action="submit", from_state="draft", to_state="submitted")
    return vendor


def test_officers_see_the_review_queue_filtered_by_state_and_province(client, world):
    first = submitted_vendor("HTX Chè Bảo Lộc")
    second = submitted_vendor("HTX Gạo Sóc Trăng", province_code="96")
    client.force_login(world.officer)
    queue = gql(client, APPLICATIONS % "id decisions { action }", {"state": "SUBMITTED"})["vendorApplications"]
    assert queue == [{"id": gid(first), "decisions": [{"action": "SUBMIT"}]},
                     {"id": gid(second), "decisions": [{"action": "SUBMIT"}]}]
    assert gql(client, APPLICATIONS % "id", {"state": "SUBMITTED", "province": "96"})["vendorApplications"] == [
        {"id": gid(second)}]
    approved = gql(client, APPLICATIONS % "id", {"state": "APPROVED"})["vendorApplications"]
    assert {item["id"] for item in approved} == {gid(world.vendor), gid(world.other_vendor)}
    page = gql(client, "{ vendorApplications(state: SUBMITTED, first: 1, offset: 1) { id } }")
    assert page == {"vendorApplications": [{"id": gid(second)}]}


@pytest.mark.parametrize("who", ["anonymous", "buyer", "own_owner", "own_staff"])
def test_the_review_queue_is_empty_for_everyone_but_officers(client, world, who):
    submitted_vendor("HTX Chè Bảo Lộc")
    login(client, world.user(who))
    assert gql(client, APPLICATIONS % "id", {}) == {"vendorApplications": []}


def test_the_review_queue_costs_the_same_queries_for_one_and_many(client, world):
    query = APPLICATIONS % VENDOR_FIELDS
    client.force_login(world.officer)
    submitted_vendor("HTX 0")
    with CaptureQueriesContext(connection) as one:
        assert len(gql(client, query, {"state": "SUBMITTED"})["vendorApplications"]) == 1
    for index in range(1, 15):
        submitted_vendor(f"HTX {index}")
    with CaptureQueriesContext(connection) as many:
        assert len(gql(client, query, {"state": "SUBMITTED"})["vendorApplications"]) == 15
    assert len(one.captured_queries) == len(many.captured_queries)
