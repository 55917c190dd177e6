// A new CV or cover-letter version, and the application's latest of that kind after it.
import { graphql } from "relay-runtime";

export const CreateArtifactMutation = graphql`
  mutation CreateArtifactMutation($input: CreateArtifactInput!) {
    createArtifact(input: $input) {
      artifact {
        __typename
        id
        kind
        version
        wordCount
        pdfUrl
        missingGlyphs
        ... on CvArtifact {
          application {
            id
            latestCv {
              id
            }
          }
        }
        ... on CoverLetterArtifact {
          application {
            id
            latestCoverLetter {
              id
            }
          }
        }
      }
    }
  }
`;
