// The career page: every experience with its engagements, projects, stories, skills and
// bullets, and the skill matrix beside it.
import { graphql } from "relay-runtime";

export const CareerTree_bullet = graphql`
  fragment CareerTree_bullet on Bullet {
    id
    text
    bulletType
    importance
    seniorityLevel
    tags
    starNotes
    sortOrder
    retired
    usageCount
    lastUsedAt
    engagementId
    versions {
      text
      createdAt
    }
  }
`;

export const CareerTree_experience = graphql`
  fragment CareerTree_experience on Experience {
    id
    companyName
    companyDescription
    jobTitle
    employmentType
    location
    startDate
    endDate
    summary
    sortOrder
    bullets(first: 20, orderBy: IMPORTANCE) {
      totalCount
      edges {
        cursor
        node {
          ...CareerTree_bullet
        }
      }
    }
    engagements(first: 10) {
      nodes {
        id
        client
        projectName
        projectType
        dateRangeLabel
        domainTags
        techTags
        bullets(first: 10) {
          nodes {
            ...CareerTree_bullet
          }
        }
      }
    }
    projects(first: 10) {
      nodes {
        id
        name
        role
        impactMetric
        githubUrl
        liveUrl
        techStack(first: 10) {
          nodes {
            id
            name
            category
          }
        }
      }
    }
    starStories(first: 10) {
      nodes {
        id
        title
        situation
        task
        action
        result
        tags
      }
    }
    skills(first: 20) {
      edges {
        node {
          id
          prominence
          proficiencyDemonstrated
          extractionMethod
          usageNotes
          skill {
            id
            name
            category
          }
        }
      }
    }
  }
`;

export const CareerTreeQuery = graphql`
  query CareerTreeQuery($first: Int!, $after: String, $current: Boolean) {
    viewer {
      id
      profile {
        id
        technicalReview {
          experiences(
            first: $first
            after: $after
            filter: { current: $current }
            orderBy: START_DATE_DESC
          ) {
            edges {
              cursor
              node {
                ...CareerTree_experience
              }
            }
            pageInfo {
              ...Pagination_pageInfo
            }
            totalCount
          }
          skillMatrix {
            monthsUsed
            experienceCount
            projectCount
            starStoryCount
            currentlyUsed
            lastUsed
            skill {
              id
              name
              category
            }
          }
        }
      }
    }
  }
`;
