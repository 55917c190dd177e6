// A pipeline board kept live over the WebSocket.
import { graphql } from "relay-runtime";

export const ApplicationStatusSubscription = graphql`
  subscription ApplicationStatusSubscription($applicationId: ID, $after: String) {
    applicationStatusChanged(applicationId: $applicationId, after: $after) {
      ...ApplicationStatusEvent_event
    }
  }
`;
