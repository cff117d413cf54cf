"""What the payment app tells the rest of the project.

``checkout_paid`` (sender: None, ``checkout_id``): Stripe's ``payment_intent.succeeded``
for a checkout's payment has been reported to Saleor, so Saleor now counts the checkout
paid. The buyer's shop listens to place the order even if the buyer's browser never came
back from Stripe (marketplace.cart.receivers).
"""
from django.dispatch import Signal

checkout_paid = Signal()
