import { graphql } from "relay-runtime";

export const SignInMutation = graphql`
  mutation SignInMutation($input: CredentialsInput!) {
    signIn(input: $input) {
      accessToken
      refreshToken
      user {
        id
        email
        role
      }
    }
  }
`;
