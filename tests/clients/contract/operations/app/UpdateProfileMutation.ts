import { graphql } from "relay-runtime";

export const UpdateProfileMutation = graphql`
  mutation UpdateProfileMutation($input: UpdateProfileInput!) {
    updateProfile(input: $input) {
      profile {
        ...ViewerProfile_profile
      }
    }
  }
`;
