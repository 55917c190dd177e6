// A new bullet inserted into the connections the page shows, with the edge the payload returns
// (Relay's declarative connection update; the edge carries the cursor the list would give it).
import { graphql } from "relay-runtime";

export const CreateBulletAppendMutation = graphql`
  mutation CreateBulletAppendMutation($input: CreateBulletInput!, $connections: [ID!]!) {
    createBullet(input: $input) {
      bulletEdge @appendEdge(connections: $connections) {
        cursor
        node {
          id
          text
          importance
        }
      }
    }
  }
`;
