import graphene

from vendors.graphql_common import NotFound, UserErrorMutation, pk_from_global_id
from vendors.registry.models import Certificate

from ...services import listing_create
from ..types import ListingType
from .base import ListingInput, variants_from_input


class ListingCreate(UserErrorMutation):
    """List one of the vendor's valid certificates for sale (or save it as a draft)."""

    class Arguments:
        input = ListingInput(required=True)

    listing = graphene.Field(ListingType)

    @classmethod
    def perform(cls, info, *, actor, today, **data):
        vendor = actor.require_vendor()
        data = data["input"]
        # Certificates are public registry facts; the service refuses another producer's.
        certificate_id = pk_from_global_id(data.certificate, "Certificate", field="certificate")
        certificate = Certificate.objects.filter(pk=certificate_id).first()
        if certificate is None:
            raise NotFound("certificate")
        listing = listing_create(
            vendor=vendor, certificate=certificate, title=data.get("title") or "",
            description=data.get("description") or "", variants=variants_from_input(data.variants),
            publish=data.publish, today=today,
        )
        return cls(listing=listing, errors=[])
