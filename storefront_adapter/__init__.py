"""Everything that speaks to Saleor (GraphQL client, app manifest, webhooks, sync).

Empty until the Saleor App issue: nothing in the registry talks to Saleor yet.
"""
