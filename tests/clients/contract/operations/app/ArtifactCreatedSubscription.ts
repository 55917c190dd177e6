import { graphql } from "relay-runtime";

export const ArtifactCreatedSubscription = graphql`
  subscription ArtifactCreatedSubscription($applicationId: ID) {
    artifactCreated(applicationId: $applicationId) {
      id
      kind
      version
      createdAt
      wordCount
    }
  }
`;
