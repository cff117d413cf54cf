"""Saleor-Signature verification, with real RS256 keys made here and a fake JWKS endpoint.

Signatures are made the way Saleor 3.23 makes them (saleor/core/jwt_manager.py,
JWTManager.jws_encode), and once more by hand from RFC 7797, so a change in PyJWT cannot
make both sides agree on something Saleor does not send.
"""
from __future__ import annotations

import base64
import json
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.cache.backends.locmem import LocMemCache

from storefront_adapter.jws import (
    JwksKeys,
    JwksUnavailable,
    SignatureInvalid,
    fetch_jwks,
    jwks_url_for,
    verify_signature,
)

JWKS_URL = "https://saleor.example.vn/.well-known/jwks.json"
BODY = json.dumps({"issuedAt": "2026-11-29T05:00:00.123456+00:00",
                   "product": {"id": "UHJvZHVjdDox", "name": "Cà phê bột Đạo Nghĩa"}},
                  ensure_ascii=False).encode()


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


SALEOR_KEY = new_key()
OTHER_KEY = new_key()


def public_jwk(private_key: rsa.RSAPrivateKey, kid: str) -> dict:
    """As Saleor publishes it at /.well-known/jwks.json (core/jwt_manager.py, get_jwks)."""
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return {**jwk, "key_ops": ["verify"], "use": "sig", "kid": kid, "alg": "RS256"}


def sign_like_saleor(body: bytes, private_key: rsa.RSAPrivateKey, kid: str) -> str:
    """JWTManager.jws_encode(body) in Saleor 3.23.28, verbatim but for the key."""
    return jwt.api_jws.encode(body, key=private_key, algorithm="RS256",
                              headers={"kid": kid, "crit": ["b64"]}, is_payload_detached=True)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign_by_hand(body: bytes, private_key: rsa.RSAPrivateKey, header: dict) -> str:
    """RFC 7797: sign BASE64URL(header) + "." + raw body; leave the payload out."""
    protected = b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
    signature = private_key.sign(protected.encode() + b"." + body, padding.PKCS1v15(), hashes.SHA256())
    return f"{protected}..{b64url(signature)}"


class FakeJwksEndpoint:
    """A fake of one Saleor's /.well-known/jwks.json: serves `keys`, records each fetch."""

    def __init__(self, *keys: dict):
        self.keys = list(keys)
        self.fetches: list[str] = []

    def __call__(self, url: str) -> dict:
        self.fetches.append(url)
        return {"keys": [dict(key) for key in self.keys]}


@pytest.fixture
def endpoint():
    return FakeJwksEndpoint(public_jwk(SALEOR_KEY, "saleor-1"))


def fresh_cache() -> LocMemCache:
    # LocMemCache instances of one name share their store: a new name is a new cache.
    return LocMemCache(f"jwks-{uuid.uuid4()}", {})


@pytest.fixture
def keys(endpoint):
    return JwksKeys(JWKS_URL, cache=fresh_cache(), ttl=300, fetch=endpoint)


def test_a_signature_made_as_saleor_makes_it_verifies(keys, endpoint):
    header = verify_signature(sign_like_saleor(BODY, SALEOR_KEY, "saleor-1"), BODY, keys=keys)
    assert header == {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": "saleor-1", "typ": "JWT"}
    assert endpoint.fetches == [JWKS_URL]


def test_saleors_signature_is_rfc7797_detached_and_unencoded():
    signature = sign_like_saleor(BODY, SALEOR_KEY, "saleor-1")
    by_hand = sign_by_hand(BODY, SALEOR_KEY,
                           {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": "saleor-1", "typ": "JWT"})
    # RSASSA-PKCS1-v1_5 is deterministic: the same bytes signed give the same signature.
    assert signature == by_hand
    assert signature.split(".")[1] == ""


def test_a_hand_made_rfc7797_signature_verifies(keys):
    signature = sign_by_hand(BODY, SALEOR_KEY, {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": "saleor-1"})
    assert verify_signature(signature, BODY, keys=keys)["kid"] == "saleor-1"


def test_a_tampered_body_is_refused(keys):
    signature = sign_like_saleor(BODY, SALEOR_KEY, "saleor-1")
    with pytest.raises(SignatureInvalid, match="Signature verification failed"):
        verify_signature(signature, BODY.replace(b"UHJvZHVjdDox", b"UHJvZHVjdDoy"), keys=keys)


def test_one_byte_more_is_refused(keys):
    signature = sign_like_saleor(BODY, SALEOR_KEY, "saleor-1")
    with pytest.raises(SignatureInvalid):
        verify_signature(signature, BODY + b"\n", keys=keys)


def test_a_signature_by_another_key_under_saleors_key_id_is_refused(keys):
    with pytest.raises(SignatureInvalid, match="Signature verification failed"):
        verify_signature(sign_like_saleor(BODY, OTHER_KEY, "saleor-1"), BODY, keys=keys)


@pytest.mark.parametrize("missing", [None, ""])
def test_a_missing_signature_is_refused_without_fetching_keys(keys, endpoint, missing):
    with pytest.raises(SignatureInvalid, match="no Saleor-Signature"):
        verify_signature(missing, BODY, keys=keys)
    assert endpoint.fetches == []


def malformed_signatures() -> dict[str, str]:
    good = sign_like_saleor(BODY, SALEOR_KEY, "saleor-1")
    protected, _, signature = good.split(".")
    return {
        "not a JWS": "not-a-jws",
        "two segments": f"{protected}.{signature}",
        "header not base64": f"!!!..{signature}",
        "header not JSON": f"{b64url(b'not json')}..{signature}",
        "header a list": f"{b64url(b'[1]')}..{signature}",
        "no signature segment": f"{protected}..",
        # Saleor's deprecated form for webhooks with a secret key (ours have none).
        "HMAC hex digest": "5d41402abc4b2a76b9719d911017c592" * 2,
        # The payload attached instead of detached (b64 true): not what Saleor sends.
        "attached payload": jwt.api_jws.encode(BODY, key=SALEOR_KEY, algorithm="RS256", headers={"kid": "saleor-1"}),
        "b64 false without crit": sign_by_hand(BODY, SALEOR_KEY, {"alg": "RS256", "b64": False, "kid": "saleor-1"}),
        "no key id": sign_by_hand(BODY, SALEOR_KEY, {"alg": "RS256", "b64": False, "crit": ["b64"]}),
        "alg none": f"{b64url(json.dumps({'alg': 'none', 'b64': False, 'crit': ['b64'], 'kid': 'saleor-1'}).encode())}..",
        "alg HS256": jwt.api_jws.encode(BODY, key="a shared secret long enough for HS256!", algorithm="HS256",
                                        headers={"kid": "saleor-1", "crit": ["b64"]}, is_payload_detached=True),
    }


@pytest.mark.parametrize("name", list(malformed_signatures()))
def test_a_malformed_signature_is_refused(keys, name):
    with pytest.raises(SignatureInvalid):
        verify_signature(malformed_signatures()[name], BODY, keys=keys)


def test_an_unknown_key_id_fetches_the_keys_again_once_and_verifies_with_the_new_key(keys, endpoint):
    verify_signature(sign_like_saleor(BODY, SALEOR_KEY, "saleor-1"), BODY, keys=keys)
    rotated = new_key()
    endpoint.keys = [public_jwk(rotated, "saleor-2")]  # Saleor rotated its key

    header = verify_signature(sign_like_saleor(BODY, rotated, "saleor-2"), BODY, keys=keys)

    assert header["kid"] == "saleor-2"
    assert endpoint.fetches == [JWKS_URL, JWKS_URL]
    verify_signature(sign_like_saleor(b"{}", rotated, "saleor-2"), b"{}", keys=keys)
    assert len(endpoint.fetches) == 2  # the refreshed keys are cached


def test_a_key_id_still_unknown_after_the_refetch_is_refused(keys, endpoint):
    verify_signature(sign_like_saleor(BODY, SALEOR_KEY, "saleor-1"), BODY, keys=keys)

    with pytest.raises(SignatureInvalid, match="'intruder' is not in the Saleor's JWKS"):
        verify_signature(sign_like_saleor(BODY, OTHER_KEY, "intruder"), BODY, keys=keys)

    assert endpoint.fetches == [JWKS_URL, JWKS_URL]


def test_keys_just_fetched_are_not_fetched_twice_for_an_unknown_key_id(keys, endpoint):
    with pytest.raises(SignatureInvalid):
        verify_signature(sign_like_saleor(BODY, OTHER_KEY, "intruder"), BODY, keys=keys)
    assert endpoint.fetches == [JWKS_URL]


def test_keys_are_cached_between_verifications(keys, endpoint):
    for n in range(3):
        body = json.dumps({"n": n}).encode()
        verify_signature(sign_like_saleor(body, SALEOR_KEY, "saleor-1"), body, keys=keys)
    assert endpoint.fetches == [JWKS_URL]


def test_a_key_of_another_type_or_use_under_the_key_id_is_not_used():
    endpoint = FakeJwksEndpoint({**public_jwk(SALEOR_KEY, "saleor-1"), "use": "enc"})
    keys = JwksKeys(JWKS_URL, cache=fresh_cache(), ttl=300, fetch=endpoint)
    with pytest.raises(SignatureInvalid, match="not in the Saleor's JWKS"):
        verify_signature(sign_like_saleor(BODY, SALEOR_KEY, "saleor-1"), BODY, keys=keys)


def test_the_jwks_of_a_saleor_is_at_the_root_of_its_host():
    assert jwks_url_for("https://saleor.example.vn/graphql/") == JWKS_URL
    assert jwks_url_for("http://127.0.0.1:8100/graphql/") == "http://127.0.0.1:8100/.well-known/jwks.json"


def test_keys_that_cannot_be_fetched_are_unavailable_not_invalid():
    # Port 9 (discard) on loopback: nothing listens, the connection is refused at once.
    with pytest.raises(JwksUnavailable):
        fetch_jwks("http://127.0.0.1:9/.well-known/jwks.json")


# A real delivery, captured from Saleor 3.23.28 (local, 2026-11-29): PRODUCT_UPDATED for our
# ProductUpdatedEvent subscription, byte for byte, with its Saleor-Signature and the public
# key that Saleor's /.well-known/jwks.json served then.
REAL_SALEOR_BODY = (
    b'{"issuedAt": "2026-11-29T12:48:02.126844+00:00", "product": {"id": "UHJvZHVjdDoy", '
    b'"externalReference": null, "updatedAt": "2026-11-29T12:48:02.067269+00:00", "channelListings": []}}'
)
REAL_SALEOR_SIGNATURE = (
    "eyJhbGciOiJSUzI1NiIsImI2NCI6ZmFsc2UsImNyaXQiOlsiYjY0Il0sImtpZCI6IjNIc1M1elBSaVR6anl4ckc4MFhFby1JZkNPWWhl"
    "SnJkQXRfQkNHUGFoQ2MiLCJ0eXAiOiJKV1QifQ..QuDVNQ5fv3uXqTV92u8_MqDm3UbxMy65we0trezSwB58TLRipv00pO_4iy4bTV8"
    "2U33qd9MocccvTYeY6ASU9_cm-XGhfsVj79_mSCPYXUkUkuZEGj8f2kHaD6we1xu1-DTyqewx5k8Sq4GimrTPczx3605gw4ciE1g46O9I"
    "h9-X7DWVZtVYi17eQY-wlIxYxHUhlNRGSQF9JteiH7zBtL1eH-7A46k-0Yh9XmmJAqSNW3D76_ZqusFOyiN2PMCt-xefxrEcf0oPxBiiXc"
    "Gl2qp08jxS0wB2cmHWdu6ml3DHsmHZ2xwCttlcTu8LlW9okYTJ6-HQpK3I9_Aimz8IpQ"
)
REAL_SALEOR_JWK = {
    "kty": "RSA", "key_ops": ["verify"], "e": "AQAB", "use": "sig", "alg": "RS256",
    "kid": "3HsS5zPRiTzjyxrG80XEo-IfCOYheJrdAt_BCGPahCc",
    "n": "soAhmu6j82qjPXdkrAkRy-PcigeOjiQhPXtWPS6iolS-Lmv-AQjSBvzq5Av1agTrF7L65tJQLO4tfgunzODaCUE7Dzt-PN8_9Z5JFpb7Xx"
         "H7dYfJcHJtYTwaZ9linvJCy0tEcQxnjFHPoL1td-7yZPzgGAvfs1ldI07SuqpPP08M4uS6j1FdInIBaBN0gfhvdbNhiw79_fA9Ar1D5ZVgHVB"
         "_7qrtUKtwbnvPXIecxEo8pRGZxS8w4mWnVw8ojrJlfE4c-qsDLPko1P0I2TD3PQUm9MWPeDVAMbNEgFhPH0qUk5zuqfCA-uCc7wBnrfBVtFw8"
         "YMTsVGD8x4vee6CgUQ",
}


def test_a_signature_captured_from_a_real_saleor_verifies():
    keys = JwksKeys(JWKS_URL, cache=fresh_cache(), ttl=300, fetch=FakeJwksEndpoint(REAL_SALEOR_JWK))

    header = verify_signature(REAL_SALEOR_SIGNATURE, REAL_SALEOR_BODY, keys=keys)

    assert header == {"alg": "RS256", "b64": False, "crit": ["b64"], "kid": REAL_SALEOR_JWK["kid"], "typ": "JWT"}


def test_a_real_saleor_signature_does_not_cover_a_changed_body():
    keys = JwksKeys(JWKS_URL, cache=fresh_cache(), ttl=300, fetch=FakeJwksEndpoint(REAL_SALEOR_JWK))
    with pytest.raises(SignatureInvalid):
        verify_signature(REAL_SALEOR_SIGNATURE, REAL_SALEOR_BODY.replace(b"UHJvZHVjdDoy", b"UHJvZHVjdDoz"), keys=keys)


def test_a_flood_of_unknown_key_ids_fetches_the_keys_again_only_once_per_pause(keys, endpoint):
    # given the keys are cached
    verify_signature(sign_like_saleor(BODY, SALEOR_KEY, "saleor-1"), BODY, keys=keys)
    # when many requests arrive with random key ids
    for index in range(20):
        with pytest.raises(SignatureInvalid):
            verify_signature(sign_like_saleor(BODY, OTHER_KEY, f"random-{index}"), BODY, keys=keys)
    # then Saleor's JWKS was fetched once for them all, not twenty times
    assert endpoint.fetches == [JWKS_URL, JWKS_URL]
