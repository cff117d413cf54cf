"""SaleorClient against FakeSaleorTransport: what it sends, what it retries, how it fails."""
from __future__ import annotations

import pickle

import pytest
import requests

from storefront_adapter.client import SaleorClient
from storefront_adapter.errors import (
    GraphQLErrorDetail,
    MutationErrorDetail,
    SaleorAuthError,
    SaleorGraphQLAuthError,
    SaleorGraphQLError,
    SaleorHTTPError,
    SaleorMutationError,
    SaleorUnavailable,
    raise_for_mutation_errors,
)
from storefront_adapter.fakes import FakeSaleorTransport, saleor_error
from storefront_adapter.operations import load_operation

API_URL = "https://saleor.test/graphql/"
SHOP = {"shop": {"name": "Chợ OCOP", "version": "3.23.28", "defaultCountry": {"code": "VN"}}}


def make_client(transport: FakeSaleorTransport, sleeps: list[float], **kwargs) -> SaleorClient:
    return SaleorClient(API_URL, "app-token-123", transport=transport, sleep=sleeps.append, **kwargs)


def test_execute_posts_the_named_document_with_variables_and_the_bearer_token():
    # given Saleor that knows the channel
    channel = {"channel": {"id": "Q2hhbm5lbDox", "slug": "ocop"}}
    transport = FakeSaleorTransport().add_data(channel)
    # when the client runs ChannelBySlug
    data = make_client(transport, []).execute("ChannelBySlug", {"slug": "ocop"})
    # then it sent one POST carrying the stored document, its name, the variables and the token
    [request] = transport.requests
    assert request.url == API_URL
    assert request.json == {"query": load_operation("ChannelBySlug"), "operationName": "ChannelBySlug",
                            "variables": {"slug": "ocop"}}
    assert request.authorization == "Bearer app-token-123"
    assert request.timeout == (3.05, 20)
    # and returned the data
    assert data == channel


def test_execute_without_a_token_sends_no_authorization_header():
    # given a client for logging in, which has no token yet
    transport = FakeSaleorTransport().add_data({"tokenCreate": {"token": "jwt", "errors": []}})
    client = SaleorClient(API_URL, None, transport=transport)
    # when it runs TokenCreate
    client.execute("TokenCreate", {"email": "staff@ocop.vn", "password": "secret"})
    # then no Authorization header was sent
    assert transport.requests[0].authorization is None


def test_an_unknown_operation_is_a_programming_error_and_sends_nothing():
    transport = FakeSaleorTransport()
    with pytest.raises(KeyError, match="NoSuchOperation"):
        make_client(transport, []).execute("NoSuchOperation", {})
    assert transport.requests == []


def test_a_502_is_retried_with_exponential_backoff_until_it_succeeds():
    # given Saleor's proxy fails twice (once with an HTML page), then Saleor answers
    transport = (FakeSaleorTransport().add_response(502, text="<html>Bad Gateway</html>")
                 .add_response(502, text="<html>Bad Gateway</html>").add_data(SHOP))
    sleeps: list[float] = []
    # when the client runs ShopInfo
    data = make_client(transport, sleeps).execute("ShopInfo", {})
    # then it tried three times, waiting 0.5 s then 1.0 s, and got the data
    assert len(transport.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert data == SHOP


def test_backoff_doubles_from_the_configured_base_for_each_further_attempt():
    # given four 503s, then success, and a client allowed five attempts
    transport = FakeSaleorTransport()
    for _ in range(4):
        transport.add_response(503, {"errors": [{"message": "Service Unavailable"}]})
    transport.add_data(SHOP)
    sleeps: list[float] = []
    # when it runs ShopInfo
    make_client(transport, sleeps, retries=5, backoff=0.25).execute("ShopInfo", {})
    # then the waits doubled each time
    assert sleeps == [0.25, 0.5, 1.0, 2.0]
    assert len(transport.requests) == 5


def test_a_timeout_is_retried():
    # given a read timeout, then an answer
    transport = FakeSaleorTransport().add_exception(requests.ReadTimeout("read timed out")).add_data(SHOP)
    sleeps: list[float] = []
    # when the client runs ShopInfo
    data = make_client(transport, sleeps).execute("ShopInfo", {})
    # then the second attempt succeeded after one wait
    assert (len(transport.requests), sleeps, data) == (2, [0.5], SHOP)


def test_a_connection_error_three_times_is_saleor_unavailable():
    # given Saleor refuses every connection
    transport = FakeSaleorTransport()
    for _ in range(3):
        transport.add_exception(requests.ConnectionError("Connection refused"))
    sleeps: list[float] = []
    # when the client runs ShopInfo
    with pytest.raises(SaleorUnavailable) as caught:
        make_client(transport, sleeps).execute("ShopInfo", {})
    # then it gave up after three attempts, without waiting after the last one
    assert len(transport.requests) == 3
    assert sleeps == [0.5, 1.0]
    assert (caught.value.operation_name, caught.value.attempts) == ("ShopInfo", 3)
    assert caught.value.reason == "ConnectionError: Connection refused"
    assert isinstance(caught.value.__cause__, requests.ConnectionError)


def test_5xx_every_time_is_saleor_unavailable():
    transport = FakeSaleorTransport()
    for _ in range(3):
        transport.add_response(500, text="Internal Server Error")
    with pytest.raises(SaleorUnavailable) as caught:
        make_client(transport, []).execute("ShopInfo", {})
    assert (caught.value.attempts, caught.value.reason) == (3, "HTTP 500")


def test_a_400_with_graphql_errors_is_not_retried():
    # given Saleor rejects the document itself (it answers invalid documents with 400)
    transport = FakeSaleorTransport().add_graphql_errors(
        saleor_error("Cannot query field \"nme\" on type \"Shop\".", "GraphQLError"), status_code=400)
    sleeps: list[float] = []
    # when the client runs ShopInfo
    with pytest.raises(SaleorGraphQLError) as caught:
        make_client(transport, sleeps).execute("ShopInfo", {})
    # then it asked once, and the error carries Saleor's message and code
    assert (len(transport.requests), sleeps) == (1, [])
    assert caught.value.status_code == 400
    assert caught.value.messages == ["Cannot query field \"nme\" on type \"Shop\"."]
    assert caught.value.codes == ["GraphQLError"]


def test_a_400_that_is_not_graphql_is_an_http_error_and_not_retried():
    transport = FakeSaleorTransport().add_response(400, text="Bad Request")
    with pytest.raises(SaleorHTTPError) as caught:
        make_client(transport, []).execute("ShopInfo", {})
    assert (len(transport.requests), caught.value.status_code, caught.value.body) == (1, 400, "Bad Request")


def test_graphql_errors_with_http_200_are_not_retried_and_keep_partial_data():
    # given Saleor resolves part of the query and fails another part
    transport = FakeSaleorTransport().add_graphql_errors(
        saleor_error("Product matching query does not exist.", "ValidationError"),
        saleor_error("Channel not found.", "ValidationError"),
        data={"product": None})
    sleeps: list[float] = []
    # when the client runs the query
    with pytest.raises(SaleorGraphQLError) as caught:
        make_client(transport, sleeps).execute("ProductByExternalReference", {"externalReference": "listing-1"})
    # then nothing was retried, and every message and code is kept with the partial data
    assert (len(transport.requests), sleeps) == (1, [])
    assert caught.value.messages == ["Product matching query does not exist.", "Channel not found."]
    assert caught.value.codes == ["ValidationError", "ValidationError"]
    assert caught.value.data == {"product": None}
    assert not isinstance(caught.value, SaleorAuthError)


@pytest.mark.parametrize("status_code", [401, 403])
def test_http_401_and_403_are_auth_errors_and_not_retried(status_code):
    # given Saleor refuses the request (3.23 answers blocked storefront traffic with 401)
    transport = FakeSaleorTransport().add_response(status_code, {"errors": [
        {"message": "Storefront traffic is not allowed.", "extensions": {"code": "STOREFRONT_TRAFFIC_NOT_ALLOWED"}}]})
    # when the client runs ShopInfo
    with pytest.raises(SaleorAuthError) as caught:
        make_client(transport, []).execute("ShopInfo", {})
    # then it asked once and says why
    assert len(transport.requests) == 1
    assert (caught.value.status_code, caught.value.messages) == (status_code, ["Storefront traffic is not allowed."])


@pytest.mark.parametrize("code", ["ExpiredSignatureError", "InvalidSignatureError", "PermissionDenied"])
def test_token_and_permission_graphql_errors_are_auth_errors_too(code):
    # given Saleor answers a bad token or a missing permission with HTTP 200 and a GraphQL error
    transport = FakeSaleorTransport().add_graphql_errors(saleor_error("Signature has expired", code))
    # when the client runs ShopInfo
    with pytest.raises(SaleorAuthError) as caught:
        make_client(transport, []).execute("ShopInfo", {})
    # then the error is both an auth error and a GraphQL error with Saleor's code
    assert isinstance(caught.value, SaleorGraphQLError)
    assert caught.value.codes == [code]
    assert len(transport.requests) == 1


def test_429_is_unavailable_at_once_so_the_sync_comes_back_later():
    transport = FakeSaleorTransport().add_response(429, text="Too Many Requests")
    sleeps: list[float] = []
    with pytest.raises(SaleorUnavailable) as caught:
        make_client(transport, sleeps).execute("ShopInfo", {})
    assert (len(transport.requests), sleeps, caught.value.attempts) == (1, [], 1)


def test_a_200_that_is_not_json_is_an_http_error():
    transport = FakeSaleorTransport().add_response(200, text="<html>captive portal</html>")
    with pytest.raises(SaleorHTTPError):
        make_client(transport, []).execute("ShopInfo", {})


def test_mutation_payload_errors_raise_a_mutation_error_with_field_code_and_message():
    # given Saleor refuses a duplicate slug in productCreate
    transport = FakeSaleorTransport().add_data({"productCreate": {"product": None, "errors": [
        {"field": "slug", "code": "UNIQUE", "message": "Product with this Slug already exists.", "attributes": None}]}})
    data = make_client(transport, []).execute("ProductCreate", {"externalReference": "listing-7"})
    # when the payload is checked
    with pytest.raises(SaleorMutationError) as caught:
        raise_for_mutation_errors(data, "productCreate")
    # then the error lists Saleor's field, code and message
    assert caught.value.mutation_field == "productCreate"
    assert caught.value.errors == (
        MutationErrorDetail(field="slug", code="UNIQUE", message="Product with this Slug already exists."),)
    assert caught.value.codes == ["UNIQUE"]


def test_a_mutation_without_errors_returns_its_payload():
    payload = {"product": {"id": "UHJvZHVjdDox", "externalReference": "listing-7", "slug": "che-thai"}, "errors": []}
    assert raise_for_mutation_errors({"productCreate": payload}, "productCreate") == payload


def test_bulk_mutation_row_errors_are_reported_with_the_row_index():
    # given stockBulkUpdate applied row 0 and refused row 1
    data = {"stockBulkUpdate": {"count": 1, "errors": [], "results": [
        {"stock": {"quantity": 5}, "errors": []},
        {"stock": None, "errors": [{"field": "variantExternalReference", "code": "NOT_FOUND",
                                    "message": "Couldn't resolve to a variant."}]}]}}
    # when the payload is checked
    with pytest.raises(SaleorMutationError) as caught:
        raise_for_mutation_errors(data, "stockBulkUpdate")
    # then the refused row is named by its index
    assert caught.value.errors == (MutationErrorDetail(field="variantExternalReference", code="NOT_FOUND",
                                                      message="Couldn't resolve to a variant.", index=1),)


def test_a_missing_mutation_payload_is_a_mutation_error():
    with pytest.raises(SaleorMutationError) as caught:
        raise_for_mutation_errors({"productDelete": None}, "productDelete")
    assert caught.value.errors == ()


def test_the_client_never_shows_its_token():
    client = SaleorClient(API_URL, "app-token-123", transport=FakeSaleorTransport())
    assert "app-token-123" not in repr(client)


@pytest.mark.parametrize("error", [
    SaleorUnavailable("ShopInfo", attempts=3, reason="HTTP 502"),
    SaleorAuthError("ShopInfo", status_code=401, messages=["Storefront traffic is not allowed."]),
    SaleorGraphQLError("ShopInfo", [GraphQLErrorDetail("Channel not found.", "ValidationError", ("channel",))]),
    SaleorGraphQLAuthError("ShopInfo", [GraphQLErrorDetail("Signature has expired", "ExpiredSignatureError")]),
    SaleorMutationError("productCreate", [MutationErrorDetail("slug", "UNIQUE", "Slug already exists.")]),
], ids=lambda error: type(error).__name__)
def test_errors_survive_pickling_as_celery_does_with_failed_tasks(error):
    copy = pickle.loads(pickle.dumps(error))
    assert (type(copy), str(copy), copy.__dict__) == (type(error), str(error), error.__dict__)
