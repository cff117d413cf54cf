"""Verify the Saleor-Signature of a webhook, exactly as Saleor 3.23 makes it.

Saleor signs every webhook that has no secret key (ours have none) with
`JWTManager.jws_encode(body)` (saleor/core/jwt_manager.py, 3.23.28): PyJWT's
`api_jws.encode(body, key, algorithm="RS256", headers={"kid": <RFC 7638 thumbprint>,
"crit": ["b64"]}, is_payload_detached=True)`. That is a compact JWS with a detached,
unencoded payload (RFC 7797):

    BASE64URL(header) + ".." + BASE64URL(RS256 signature)
    header = {"alg": "RS256", "b64": false, "crit": ["b64"], "kid": ..., "typ": "JWT"}
    signed bytes = BASE64URL(header) + "." + the raw request body

The public keys are the JWKS of the same Saleor, at <scheme>://<host>/.well-known/jwks.json.
Only this shape is accepted: no other algorithm, no attached payload, no HMAC form.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests

ALGORITHM = "RS256"
JWKS_PATH = "/.well-known/jwks.json"
FETCH_TIMEOUT_SECONDS = (3.05, 5)
MAX_JWKS_BYTES = 64 * 1024


class SignatureInvalid(Exception):
    """The request is not provably from the Saleor it names (answer 401)."""


class JwksUnavailable(Exception):
    """The Saleor's keys could not be read, so nothing can be verified now (answer 503,
    which Saleor retries; a 4xx it would not)."""


class Cache(Protocol):
    def get(self, key: str) -> Any: ...
    def set(self, key: str, value: Any, timeout: int | None = ...) -> None: ...


JwksFetcher = Callable[[str], dict]


def jwks_url_for(api_url: str) -> str:
    parts = urlsplit(api_url)
    return urlunsplit((parts.scheme, parts.netloc, JWKS_PATH, "", ""))


def fetch_jwks(url: str) -> dict:
    """GET a JWKS over HTTP; any failure is JwksUnavailable."""
    try:
        response = requests.get(url, timeout=FETCH_TIMEOUT_SECONDS, allow_redirects=False)
        response.raise_for_status()
        if len(response.content) > MAX_JWKS_BYTES:
            raise JwksUnavailable(f"{url}: JWKS larger than {MAX_JWKS_BYTES} bytes")
        jwks = response.json()
    except (requests.RequestException, ValueError) as error:
        raise JwksUnavailable(f"{url}: {error}") from error
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list):
        raise JwksUnavailable(f"{url}: not a JWKS")
    return jwks


REFETCH_PAUSE = 30  # seconds between two re-fetches on an unknown key id


class JwksKeys:
    """The signing keys one Saleor publishes, cached for `ttl` seconds and fetched again,
    once per lookup, when a key id is not among them (Saleor rotated its key)."""

    def __init__(self, jwks_url: str, *, cache: Cache, ttl: int, fetch: JwksFetcher = fetch_jwks):
        self.jwks_url = jwks_url
        self._cache = cache
        self._ttl = ttl
        self._fetch = fetch
        self._cache_key = "storefront:jwks:" + jwks_url

    def find(self, kid: str) -> jwt.PyJWK | None:
        jwks = self._cache.get(self._cache_key)
        fresh = jwks is None
        if fresh:
            jwks = self._refetch()
        key = _rsa_key(jwks, kid)
        # An unknown kid fetches the keys again, but at most once per REFETCH_PAUSE seconds:
        # unsigned requests with random kids must not turn every POST into a call to Saleor.
        if key is None and not fresh and self._cache.add(self._cache_key + ":refetched", True, REFETCH_PAUSE):
            key = _rsa_key(self._refetch(), kid)
        return key

    def _refetch(self) -> dict:
        jwks = self._fetch(self.jwks_url)
        self._cache.set(self._cache_key, jwks, self._ttl)
        return jwks


class KeyFinder(Protocol):
    def find(self, kid: str) -> jwt.PyJWK | None: ...


def _rsa_key(jwks: dict, kid: str) -> jwt.PyJWK | None:
    for candidate in jwks.get("keys", []):
        if not isinstance(candidate, dict) or candidate.get("kid") != kid:
            continue
        if candidate.get("kty") != "RSA" or candidate.get("alg", ALGORITHM) != ALGORITHM:
            continue
        if candidate.get("use", "sig") != "sig":
            continue
        try:
            return jwt.PyJWK(candidate, algorithm=ALGORITHM)
        except jwt.PyJWTError:
            return None
    return None


def _b64url_decode(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def signature_header(signature: str) -> dict:
    """The protected header of a Saleor signature, checked for Saleor's exact shape."""
    parts = signature.split(".")
    if len(parts) != 3 or parts[1] != "" or not parts[0] or not parts[2]:
        raise SignatureInvalid("not a compact JWS with a detached payload")
    try:
        header = json.loads(_b64url_decode(parts[0]))
    except (binascii.Error, ValueError) as error:
        raise SignatureInvalid("unreadable JWS header") from error
    if not isinstance(header, dict):
        raise SignatureInvalid("unreadable JWS header")
    if header.get("alg") != ALGORITHM:
        raise SignatureInvalid(f"algorithm {header.get('alg')!r} is not {ALGORITHM}")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise SignatureInvalid('payload must be detached and unencoded ("b64": false, "crit": ["b64"])')
    if not isinstance(header.get("kid"), str) or not header["kid"]:
        raise SignatureInvalid("no key id")
    return header


def verify_signature(signature: str | None, body: bytes, *, keys: KeyFinder) -> dict:
    """Check a Saleor-Signature over the exact request body; return its header.

    Raises SignatureInvalid (missing, malformed, unknown key, bad signature) or
    JwksUnavailable (the keys could not be fetched).
    """
    if not signature:
        raise SignatureInvalid("no Saleor-Signature header")
    header = signature_header(signature)
    key = keys.find(header["kid"])
    if key is None:
        raise SignatureInvalid(f"key {header['kid']!r} is not in the Saleor's JWKS")
    try:
        jwt.api_jws.decode_complete(signature, key=key, algorithms=[ALGORITHM], detached_payload=body)
    except jwt.PyJWTError as error:
        raise SignatureInvalid(str(error)) from error
    return header
