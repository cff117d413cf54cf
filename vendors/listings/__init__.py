"""A vendor's shop listings: one certified product each, with variants and photos."""
