// Refetching by global id, as a detail page opened from a link does.
import { graphql } from "relay-runtime";

export const NodeRefetchQuery = graphql`
  query NodeRefetchQuery($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on Application {
        status
        allowedTransitions
        jobPosting {
          id
          jobTitle
        }
        history {
          cursor
          toStatus
        }
      }
      ... on JobPosting {
        jobTitle
        companyName
        skillGap {
          fitScore
        }
      }
      ... on Experience {
        jobTitle
        companyName
        startDate
        endDate
      }
      ... on Artifact {
        kind
        version
        content
      }
    }
  }
`;

export const NodeRefetchManyQuery = graphql`
  query NodeRefetchManyQuery($ids: [ID!]!) {
    nodes(ids: $ids) {
      __typename
      id
      ... on Bullet {
        text
        importance
        versions {
          text
          createdAt
        }
      }
      ... on Skill {
        name
        category
      }
    }
  }
`;
