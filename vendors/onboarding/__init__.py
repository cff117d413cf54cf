"""Vendors: a producer's application, the officer's decisions, the vendor's users."""
