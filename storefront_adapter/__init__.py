"""Everything that speaks to Saleor: the GraphQL client and its named operations, the app
manifest and install handshake, the signed-webhook receiver, and (next) the catalogue sync.

Saleor is never forked or patched: we talk to it only through its GraphQL API with the
app's token, and its JWS-signed webhooks.
"""
