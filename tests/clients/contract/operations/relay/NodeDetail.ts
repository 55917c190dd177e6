// A detail page refetching whichever node a link names, reading it through the page's
// fragments (aliased, as Relay requires on a spread into an interface). Not
// CareerTree_experience beside JobPostings_posting: `Experience.employmentType` is non-null and
// `JobPosting.employmentType` nullable, so the two cannot share one selection (GraphQL's
// "fields can merge" rule); see README.md.
import { graphql } from "relay-runtime";

export const NodeDetailQuery = graphql`
  query NodeDetailQuery($id: ID!) {
    node(id: $id) {
      id
      ...Applications_application @alias(as: "application")
      ...JobPostings_posting @alias(as: "jobPosting")
    }
  }
`;
