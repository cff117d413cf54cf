"""Listings' GraphQL API: a vendor's own listings, changed only by the vendor's users."""
