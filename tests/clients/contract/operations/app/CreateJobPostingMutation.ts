import { graphql } from "relay-runtime";

export const CreateJobPostingMutation = graphql`
  mutation CreateJobPostingMutation($input: CreateJobPostingInput!) {
    createJobPosting(input: $input) {
      jobPosting {
        ...JobPostings_posting
      }
    }
  }
`;
