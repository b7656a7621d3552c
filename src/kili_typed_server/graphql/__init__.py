"""The GraphQL layer: the executable schema, thin resolvers, the cost model, deadlines, error
shapes and the fast path beside graphql-core's executor."""
