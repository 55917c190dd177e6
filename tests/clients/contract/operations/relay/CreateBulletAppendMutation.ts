// A new bullet inserted into the connections the page shows (Relay's declarative
// connection update on the node the payload returns).
import { graphql } from "relay-runtime";

export const CreateBulletAppendMutation = graphql`
  mutation CreateBulletAppendMutation($input: CreateBulletInput!, $connections: [ID!]!) {
    createBullet(input: $input) {
      bullet @appendNode(connections: $connections, edgeTypeName: "BulletEdge") {
        id
        text
        importance
      }
    }
  }
`;
