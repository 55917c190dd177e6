import { graphql } from "relay-runtime";

export const TransitionApplicationMutation = graphql`
  mutation TransitionApplicationMutation($input: TransitionApplicationInput!) {
    transitionApplication(input: $input) {
      application {
        id
        status
        appliedAt
        allowedTransitions
        updatedAt
      }
      event {
        cursor
        applicationId
        fromStatus
        toStatus
        note
        createdAt
      }
    }
  }
`;
