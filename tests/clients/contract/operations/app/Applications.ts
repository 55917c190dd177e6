// The application pipeline: each application, its status history and its documents.
import { graphql } from "relay-runtime";

export const Applications_application = graphql`
  fragment Applications_application on Application {
    id
    status
    appliedAt
    fitScore
    notes
    personalContext
    allowedTransitions
    updatedAt
    jobPosting {
      id
      jobTitle
      companyName
    }
    history {
      ...ApplicationStatusEvent_event
    }
    latestCv {
      id
      version
      wordCount
      pdfUrl
      missingGlyphs
    }
    latestCoverLetter {
      id
      version
      wordCount
    }
    artifacts {
      id
      kind
      version
      createdAt
      pdfUrl
      ... on CvArtifact {
        missingGlyphs
      }
    }
  }
`;

export const ApplicationsQuery = graphql`
  query ApplicationsQuery($status: ApplicationStatus, $first: Int = 20, $after: String) {
    viewer {
      id
      applications(first: $first, after: $after, filter: { status: $status }, orderBy: LAST_CHANGED) {
        totalCount
        pageInfo {
          ...Pagination_pageInfo
        }
        edges {
          cursor
          node {
            ...Applications_application
          }
        }
      }
    }
  }
`;
