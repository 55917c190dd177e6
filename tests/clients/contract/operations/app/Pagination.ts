// What every list view reads to page on.
import { graphql } from "relay-runtime";

export const Pagination_pageInfo = graphql`
  fragment Pagination_pageInfo on PageInfo {
    hasNextPage
    hasPreviousPage
    startCursor
    endCursor
  }
`;
