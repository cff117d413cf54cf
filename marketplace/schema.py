"""The root GraphQL schema: each domain contributes its queries and mutations."""
import graphene

from vendors.registry.graphql.schema import RegistryMutations, RegistryQueries


class Query(RegistryQueries, graphene.ObjectType):
    pass


class Mutation(RegistryMutations, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
