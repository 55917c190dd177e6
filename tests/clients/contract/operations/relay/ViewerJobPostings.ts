// A @refetchable fragment on the viewer (User implements Node) paging the job board.
import { graphql } from "relay-runtime";

export const ViewerJobPostings_viewer = graphql`
  fragment ViewerJobPostings_viewer on User
  @argumentDefinitions(
    filter: { type: "JobPostingFilter" }
    count: { type: "Int", defaultValue: 20 }
    cursor: { type: "String" }
  )
  @refetchable(queryName: "ViewerJobPostingsPaginationQuery") {
    jobPostings(first: $count, after: $cursor, filter: $filter)
      @connection(key: "ViewerJobPostings_jobPostings", filters: ["filter"]) {
      edges {
        node {
          id
          jobTitle
          companyName
          application {
            id
            status
          }
        }
      }
    }
  }
`;

export const ViewerJobPostingsQuery = graphql`
  query ViewerJobPostingsQuery {
    viewer {
      ...ViewerJobPostings_viewer
    }
  }
`;
