import graphene

from vendors.graphql_common import UserErrorMutation

from ...services import listing_hide
from ..types import ListingType
from .base import own_listing


class ListingHide(UserErrorMutation):
    """Take a listing off sale until the vendor publishes it again."""

    class Arguments:
        id = graphene.ID(required=True)

    listing = graphene.Field(ListingType)

    @classmethod
    def perform(cls, info, *, actor, today, id):
        return cls(listing=listing_hide(listing=own_listing(actor, id)), errors=[])
