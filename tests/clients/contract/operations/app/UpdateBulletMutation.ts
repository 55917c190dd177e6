import { graphql } from "relay-runtime";

export const UpdateBulletMutation = graphql`
  mutation UpdateBulletMutation($input: UpdateBulletInput!) {
    updateBullet(input: $input) {
      bullet {
        ...CareerTree_bullet
      }
    }
  }
`;
