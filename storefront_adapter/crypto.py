"""Secrets at rest: Fernet (AES-128-CBC with HMAC-SHA256) under settings.FIELD_ENCRYPTION_KEY.

The setting holds one key, or several separated by commas to rotate: the first encrypts,
every one decrypts (MultiFernet).
"""
from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt_text", "encrypt_text"]


@lru_cache(maxsize=4)
def _fernet(keys: str) -> MultiFernet:
    # A malformed key raises ValueError here: a configuration error, not caught.
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def encrypt_text(plaintext: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def decrypt_text(ciphertext: str) -> str:
    """Raises InvalidToken when no configured key opens it (the key was changed)."""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(ciphertext.encode()).decode()
