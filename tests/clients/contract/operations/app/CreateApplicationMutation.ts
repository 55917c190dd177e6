import { graphql } from "relay-runtime";

export const CreateApplicationMutation = graphql`
  mutation CreateApplicationMutation($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      application {
        ...Applications_application
        jobPosting {
          id
          application {
            id
          }
        }
      }
    }
  }
`;
