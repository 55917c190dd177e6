// Relay's pagination over an experience's bullets: a @refetchable fragment (refetched
// through Query.node) with a @connection that pages both ways.
import { graphql } from "relay-runtime";

export const ExperienceBullets_experience = graphql`
  fragment ExperienceBullets_experience on Experience
  @refetchable(queryName: "ExperienceBulletsPaginationQuery")
  @argumentDefinitions(
    first: { type: "Int", defaultValue: 10 }
    after: { type: "String" }
    last: { type: "Int" }
    before: { type: "String" }
  ) {
    id
    jobTitle
    bullets(first: $first, after: $after, last: $last, before: $before)
      @connection(key: "ExperienceBullets_bullets") {
      __id
      totalCount
      edges {
        node {
          id
          text
          importance
        }
      }
    }
  }
`;

export const ExperienceBulletsQuery = graphql`
  query ExperienceBulletsQuery($id: ID!) {
    node(id: $id) {
      ...ExperienceBullets_experience @alias(as: "experience")
    }
  }
`;
