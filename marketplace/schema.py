"""The root GraphQL schema: each domain contributes its queries and mutations."""
import graphene

from vendors.listings.graphql.schema import ListingMutations, ListingQueries
from vendors.onboarding.graphql.schema import OnboardingMutations, OnboardingQueries
from vendors.registry.graphql.schema import RegistryMutations, RegistryQueries


class Query(RegistryQueries, OnboardingQueries, ListingQueries, graphene.ObjectType):
    pass


class Mutation(RegistryMutations, OnboardingMutations, ListingMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
