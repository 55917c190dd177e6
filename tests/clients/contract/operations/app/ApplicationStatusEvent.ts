// One status change, as the pipeline board shows it.
import { graphql } from "relay-runtime";

export const ApplicationStatusEvent_event = graphql`
  fragment ApplicationStatusEvent_event on ApplicationStatusEvent {
    cursor
    applicationId
    fromStatus
    toStatus
    note
    createdAt
  }
`;
