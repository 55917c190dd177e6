// The skill picker: the shared catalog searched by name, and the candidate's own skills.
import { graphql } from "relay-runtime";

export const SkillCatalogQuery = graphql`
  query SkillCatalogQuery($search: String, $category: SkillCategory) {
    skills(first: 20, search: $search, category: $category) {
      totalCount
      pageInfo {
        ...Pagination_pageInfo
      }
      nodes {
        id
        name
        category
        aliases
        isPrivate
        userAdded
      }
    }
    viewer {
      id
      skills(first: 50, orderBy: PROFICIENCY) {
        edges {
          node {
            id
            proficiency
            isFeatured
            yearsExperience
            skill {
              id
              name
              category
            }
          }
        }
      }
    }
  }
`;
