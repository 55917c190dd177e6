// A move along the pipeline: the application as it now is, and the event the board appends.
import { graphql } from "relay-runtime";

export const TransitionApplicationMutation = graphql`
  mutation TransitionApplicationMutation($input: TransitionApplicationInput!) {
    transitionApplication(input: $input) {
      event {
        ...ApplicationStatusEvent_event
      }
      application {
        id
        status
        appliedAt
        allowedTransitions
        updatedAt
      }
    }
  }
`;
