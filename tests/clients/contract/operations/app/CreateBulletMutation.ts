import { graphql } from "relay-runtime";

export const CreateBulletMutation = graphql`
  mutation CreateBulletMutation($input: CreateBulletInput!) {
    createBullet(input: $input) {
      bullet {
        ...CareerTree_bullet
      }
    }
  }
`;
