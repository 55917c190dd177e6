// The job board: postings with their extracted skills, the skill gap and the matching
// experiences, and whether an application exists.
import { graphql } from "relay-runtime";

export const JobPostings_posting = graphql`
  fragment JobPostings_posting on JobPosting {
    id
    jobTitle
    companyName
    location
    employmentType
    seniority
    remoteOk
    salaryMin
    salaryMax
    salaryCurrency
    url
    createdAt
    skills(first: 30) {
      edges {
        node {
          importance
          source
          skill {
            id
            name
          }
        }
      }
    }
    skillGap {
      fitScore
      matched {
        importance
        strength
        skill {
          id
          name
        }
        experiences {
          id
          jobTitle
        }
      }
      missing {
        importance
        skill {
          id
          name
        }
      }
    }
    matches(first: 5) {
      edges {
        node {
          score
          recency
          relevance
          relevanceNotes
          creationSource
          experience {
            id
            companyName
            jobTitle
          }
          matchedSkills {
            weight
            importance
            prominence
            skill {
              id
              name
            }
          }
        }
      }
    }
    application {
      id
      status
    }
  }
`;

export const JobPostingsQuery = graphql`
  query JobPostingsQuery($first: Int = 20, $after: String, $filter: JobPostingFilter) {
    viewer {
      id
      jobPostings(first: $first, after: $after, filter: $filter, orderBy: NEWEST_FIRST) {
        totalCount
        edges {
          cursor
          node {
            ...JobPostings_posting
          }
        }
        pageInfo {
          ...Pagination_pageInfo
        }
      }
    }
  }
`;
