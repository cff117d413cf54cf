import graphene

from vendors.graphql_common import UserErrorMutation

from ...services import listing_update
from ..types import ListingType
from .base import ListingUpdateInput, own_listing, variants_from_input


class ListingUpdate(UserErrorMutation):
    """Change a listing's title, description and variants (price, stock, weight)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = ListingUpdateInput(required=True)

    listing = graphene.Field(ListingType)

    @classmethod
    def perform(cls, info, *, actor, today, id, **data):
        listing = own_listing(actor, id)
        data = data["input"]
        listing = listing_update(
            listing=listing, title=data.title, description=data.description,
            variants=variants_from_input(data.variants),
        )
        return cls(listing=listing, errors=[])
