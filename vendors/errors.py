"""Errors a person can cause and fix (bad form, wrong state, someone else's object)."""
from __future__ import annotations


class UserError(Exception):
    """A refused request; `message` is Vietnamese and shown as it is."""

    def __init__(self, message: str, *, code: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.code = code
        self.field = field
