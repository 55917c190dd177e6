import { graphql } from "relay-runtime";

export const CreateExperienceMutation = graphql`
  mutation CreateExperienceMutation($input: CreateExperienceInput!) {
    createExperience(input: $input) {
      experience {
        ...CareerTree_experience
      }
    }
  }
`;
