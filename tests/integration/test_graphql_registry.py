"""GraphQL: public registry queries; officer-only mutations denied to everyone else."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.integration.factories import make_certificate, make_user
from vendors.registry.models import Certificate, CertificateEvent, Producer

pytestmark = pytest.mark.django_db

RECORD = """
mutation Record($producer: ProducerInput!, $decision: DecisionInput!) {
  certificateRecordDecision(producer: $producer, decision: $decision) {
    certificate { number starLevel validUntil status producer { name taxNumber } }
    errors { field code message }
  }
}"""
RENEW = """
mutation Renew($number: String!, $renewal: RenewalInput!) {
  certificateRenew(number: $number, renewal: $renewal) {
    certificate { number starLevel renewsNumber status }
    errors { field code message }
  }
}"""
REVOKE = """
mutation Revoke($number: String!, $reason: String!) {
  certificateRevoke(number: $number, reason: $reason) {
    certificate { number status revocationReason }
    errors { field code message }
  }
}"""


def gql(client, query, variables=None):
    response = client.post("/graphql/", json.dumps({"query": query, "variables": variables or {}}),
                           content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def record_variables(number="GCN-GQL-1", stars=4, decision_date=None):
    decision_date = decision_date or timezone.localdate() - timedelta(days=30)
    return {
        "producer": {"taxNumber": "6400 112 233", "name": "Công ty TNHH Hồng Đức", "province": "Lâm Đồng"},
        "decision": {
            "number": number, "productName": "Hạt điều rang muối", "productGroup": "Thực phẩm",
            "starLevel": stars, "decisionNumber": "15/QĐ-UBND", "decisionDate": decision_date.isoformat(),
            "issuingLevel": "province", "issuedProvince": "Lâm Đồng",
        },
    }


def test_anyone_can_query_a_certificate(client):
    certificate = make_certificate(number="GCN-Q1", product_name="Cà phê Natural", star_level=3)
    data = gql(client, '{ certificate(number: "GCN-Q1") { number productName starLevel status validUntil producer { name } } }')
    assert data["certificate"] == {
        "number": "GCN-Q1", "productName": "Cà phê Natural", "starLevel": 3, "status": "VALID",
        "validUntil": certificate.expires_on.isoformat(), "producer": {"name": certificate.producer.name},
    }


def test_certificates_query_searches_without_diacritics(client):
    make_certificate(product_name="Cà phê Natural")
    make_certificate(product_name="Mật ong")
    data = gql(client, '{ certificates(search: "ca phe") { totalCount items { productName } } }')
    assert data["certificates"] == {"totalCount": 1, "items": [{"productName": "Cà phê Natural"}]}


@pytest.mark.parametrize("who", ["anonymous", "buyer", "staff_without_permission"])
@pytest.mark.parametrize("operation", ["record", "renew", "revoke"])
def test_mutations_are_denied_to_non_officers_with_no_side_effect(client, who, operation):
    existing = make_certificate(number="GCN-EXIST")
    if who == "buyer":
        client.force_login(make_user("nguoimua"))
    elif who == "staff_without_permission":
        client.force_login(make_user("nhanvien", is_staff=True))
    before = (Certificate.objects.count(), Producer.objects.count(), CertificateEvent.objects.count())
    query, variables = {
        "record": (RECORD, record_variables()),
        "renew": (RENEW, {"number": "GCN-EXIST", "renewal": {
            "number": "GCN-NEW", "starLevel": 4, "decisionNumber": "9/QĐ",
            "decisionDate": timezone.localdate().isoformat(), "issuingLevel": "province"}}),
        "revoke": (REVOKE, {"number": "GCN-EXIST", "reason": "thử"}),
    }[operation]
    data = gql(client, query, variables)
    payload = next(iter(data.values()))
    assert payload["certificate"] is None
    assert payload["errors"] == [{"field": None, "code": "permission_denied",
                                  "message": "Chỉ cán bộ OCOP được thực hiện thao tác này."}]
    assert (Certificate.objects.count(), Producer.objects.count(), CertificateEvent.objects.count()) == before
    existing.refresh_from_db()
    assert existing.status == Certificate.Status.VALID


def test_officer_records_a_decision_with_its_producer(client, officer):
    client.force_login(officer)
    data = gql(client, RECORD, record_variables())["certificateRecordDecision"]
    assert data["errors"] == []
    assert data["certificate"]["number"] == "GCN-GQL-1"
    assert data["certificate"]["producer"] == {"name": "Công ty TNHH Hồng Đức", "taxNumber": "6400112233"}
    event = CertificateEvent.objects.get(certificate__number="GCN-GQL-1")
    assert (event.kind, event.actor, event.source) == ("recorded", officer, "GraphQL")


def test_refused_decision_is_a_typed_error_and_writes_nothing(client, officer):
    client.force_login(officer)
    data = gql(client, RECORD, record_variables(stars=2))["certificateRecordDecision"]
    assert data["certificate"] is None
    assert data["errors"] == [{"field": "star_level", "code": "invalid",
                               "message": "Sản phẩm 2 sao không được cấp giấy chứng nhận OCOP (chỉ 3–5 sao)."}]
    assert Producer.objects.count() == 0


def test_officer_renews_and_the_old_certificate_is_superseded(client, officer):
    old = make_certificate(number="GCN-OLD", star_level=3, expires_in_days=20)
    client.force_login(officer)
    data = gql(client, RENEW, {"number": "GCN-OLD", "renewal": {
        "number": "GCN-RENEWED", "starLevel": 4, "decisionNumber": "77/QĐ-UBND",
        "decisionDate": timezone.localdate().isoformat(), "issuingLevel": "province"}})["certificateRenew"]
    assert data == {"certificate": {"number": "GCN-RENEWED", "starLevel": 4, "renewsNumber": "GCN-OLD",
                                    "status": "VALID"}, "errors": []}
    old.refresh_from_db()
    assert old.status == Certificate.Status.SUPERSEDED
    assert list(old.events.values_list("kind", flat=True)) == ["recorded", "superseded"]


def test_officer_revokes_with_a_reason(client, officer):
    make_certificate(number="GCN-R")
    client.force_login(officer)
    data = gql(client, REVOKE, {"number": "GCN-R", "reason": "Vi phạm chất lượng"})["certificateRevoke"]
    assert data == {"certificate": {"number": "GCN-R", "status": "REVOKED", "revocationReason": "Vi phạm chất lượng"},
                    "errors": []}
    event = Certificate.objects.get(number="GCN-R").events.last()
    assert (event.kind, event.reason, event.actor) == ("revoked", "Vi phạm chất lượng", officer)


def test_revoking_an_unknown_certificate_is_a_typed_error(client, officer):
    client.force_login(officer)
    data = gql(client, REVOKE, {"number": "KHONG-CO", "reason": "x"})["certificateRevoke"]
    assert data["errors"] == [{"field": "number", "code": "not_found",
                               "message": "Không tìm thấy giấy chứng nhận số KHONG-CO."}]


LIST = "{ certificates(first: 50) { totalCount items { number status producer { name province } renewsNumber renewedByNumber } } }"


def test_certificates_query_costs_the_same_queries_for_one_and_many(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.integration.factories import make_producer

    make_certificate(product_name="Sản phẩm 0")
    with CaptureQueriesContext(connection) as one:
        assert gql(client, LIST)["certificates"]["totalCount"] == 1
    for index in range(1, 20):
        make_certificate(product_name=f"Sản phẩm {index}", producer=make_producer(f"HTX {index}"))
    with CaptureQueriesContext(connection) as many:
        assert gql(client, LIST)["certificates"]["totalCount"] == 20
    assert len(one.captured_queries) == len(many.captured_queries)

