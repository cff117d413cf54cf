"""The cart listens to the payment app: a checkout Stripe says is paid becomes an order,
even when the buyer's browser never came back from Stripe.js."""
from django.dispatch import receiver

from storefront_adapter.payments.events import checkout_paid

from .tasks import complete_paid_checkout


@receiver(checkout_paid, dispatch_uid="cart.complete_paid_checkout")
def place_paid_checkout(sender, checkout_id: str, **kwargs) -> None:
    complete_paid_checkout.delay(checkout_id)
