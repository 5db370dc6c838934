// What a Relay app writes to page through an operator's change history (usePaginationFragment,
// both directions) and to refetch an operator by its global id (useRefetchableFragment).
// Only compiled, by clients/test/documents.test.js: relay-compiler must accept it against
// schema.graphql.
import { graphql } from "react-relay";

export const operatorCard = graphql`
  fragment HistoryPage_operator on Operator
  @refetchable(queryName: "HistoryPageOperatorRefetchQuery") {
    userId
    name
    version
  }
`;

export const history = graphql`
  fragment HistoryPage_history on Query
  @refetchable(queryName: "HistoryPagePaginationQuery")
  @argumentDefinitions(
    userId: { type: "String!" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  ) {
    operatorHistory(userId: $userId, first: $count, after: $cursor)
      @connection(key: "HistoryPage_operatorHistory") {
      edges {
        node {
          id
          occurredAt
          operation
          changes {
            field
            old
            new
          }
        }
      }
    }
  }
`;

export const newestLast = graphql`
  fragment HistoryPage_newestLast on Query
  @refetchable(queryName: "HistoryPageBackwardQuery")
  @argumentDefinitions(
    userId: { type: "String!" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  ) {
    newestLast: operatorHistory(userId: $userId, last: $count, before: $cursor)
      @connection(key: "HistoryPage_newestLast") {
      edges {
        node {
          id
          operation
        }
      }
    }
  }
`;

export const page = graphql`
  query HistoryPageQuery($userId: String!) {
    me {
      id
      ...HistoryPage_operator
      deregistrationRequest {
        id
        status
      }
    }
    ...HistoryPage_history @arguments(userId: $userId)
    ...HistoryPage_newestLast @arguments(userId: $userId)
  }
`;
