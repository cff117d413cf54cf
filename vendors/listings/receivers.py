"""Re-check listings when the registry or a vendor changes. Each receiver calls one service."""
from django.dispatch import receiver
from django.utils import timezone

from vendors.onboarding.events import vendor_state_changed
from vendors.registry.events import certificates_changed

from .services import listings_recheck


@receiver(certificates_changed)
def recheck_listings_of_certificates(sender, certificate_ids, **kwargs):
    listings_recheck(today=timezone.localdate(), certificate_ids=certificate_ids)


@receiver(vendor_state_changed)
def recheck_listings_of_vendor(sender, vendor_id, **kwargs):
    listings_recheck(today=timezone.localdate(), vendor_ids=[vendor_id])
