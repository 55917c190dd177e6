// A deleted bullet removed from Relay's store by the id the payload returns.
import { graphql } from "relay-runtime";

export const DeleteBulletRecordMutation = graphql`
  mutation DeleteBulletRecordMutation($input: IdInput!, $connections: [ID!]!) {
    deleteBullet(input: $input) {
      deletedId @deleteEdge(connections: $connections) @deleteRecord
    }
  }
`;
