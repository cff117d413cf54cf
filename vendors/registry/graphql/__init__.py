"""The registry's GraphQL API: public queries, officer-only mutations."""
