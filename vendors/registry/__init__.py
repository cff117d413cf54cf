"""The OCOP registry: producers (chủ thể), certificates and their history."""
