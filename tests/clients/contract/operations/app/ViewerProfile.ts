// The account menu and profile page: who is signed in and their profile.
import { graphql } from "relay-runtime";

export const ViewerProfile_profile = graphql`
  fragment ViewerProfile_profile on CandidateProfile {
    id
    fullName
    headline
    summary
    email
    phone
    location
    nationality
    githubUrl
    linkedinUrl
    portfolioUrl
    yearsExperience
    specializations
    targetRoles
    updatedAt
    mbti {
      id
      type
      ieScore
      nsScore
      tfScore
      jpScore
      manuallyOverridden
      updatedAt
    }
  }
`;

export const ViewerProfileQuery = graphql`
  query ViewerProfileQuery {
    viewer {
      id
      email
      role
      isVerified
      createdAt
      lastLoginAt
      profile {
        ...ViewerProfile_profile
      }
      strengths(first: 10) {
        totalCount
        nodes {
          id
          name
          description
        }
      }
      education(first: 10) {
        totalCount
        nodes {
          id
          institutionName
          location
          degree
          minor
          fieldOfStudy
          isCurrent
          startDate
          endDate
          gpa
          details
        }
      }
    }
  }
`;
