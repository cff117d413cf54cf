"""Card payments: our service as Saleor's payment app on the Transactions API, with Stripe.

Saleor asks (synchronous, JWS-signed webhooks, `sessions`): PAYMENT_GATEWAY_INITIALIZE_SESSION
gives the storefront Stripe's publishable key; TRANSACTION_INITIALIZE_SESSION creates the
PaymentIntent in VND; TRANSACTION_PROCESS_SESSION reads where it stands. Stripe tells
(its signed webhook, `services`): each event is recorded once, moves the PaymentAttempt's
state machine (`state`), and a Celery task reports it to Saleor (transactionEventReport).
The checkout page calls `storefront.card_payment_start` / `card_payment_confirm`.

Stripe is reached only through `gateway.stripe_client()`, whose HTTP client tests replace.
"""
