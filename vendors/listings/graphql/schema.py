import graphene

from .mutations.create import ListingCreate
from .mutations.hide import ListingHide
from .mutations.publish import ListingPublish
from .mutations.update import ListingUpdate
from .queries import ListingQueries


class ListingMutations(graphene.ObjectType):
    listing_create = ListingCreate.Field()
    listing_update = ListingUpdate.Field()
    listing_hide = ListingHide.Field()
    listing_publish = ListingPublish.Field()


__all__ = ["ListingMutations", "ListingQueries"]
