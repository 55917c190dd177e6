import { graphql } from "relay-runtime";

export const DeleteBulletMutation = graphql`
  mutation DeleteBulletMutation($input: IdInput!) {
    deleteBullet(input: $input) {
      deletedId
    }
  }
`;
