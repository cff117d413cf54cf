import graphene

from vendors.graphql_common import UserErrorMutation

from ...services import listing_publish
from ..types import ListingType
from .base import own_listing


class ListingPublish(UserErrorMutation):
    """Put a draft or hidden listing on sale, if its certificate and the vendor allow it."""

    class Arguments:
        id = graphene.ID(required=True)

    listing = graphene.Field(ListingType)

    @classmethod
    def perform(cls, info, *, actor, today, id):
        return cls(listing=listing_publish(listing=own_listing(actor, id), today=today), errors=[])
