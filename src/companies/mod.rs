//! Company profiles (docs/domain.md "Companies"; ETPS CompanyProfile): a shared catalog, like
//! the skill catalog, of the companies a user's experiences, job postings, applications and
//! contacts name. A company is found by its normalised name and created on first use by the
//! database (migration `2026-12-05-000022_companies`: whichever write names a company links
//! it), so no area has to remember to. Its descriptive fields are the catalog's and only
//! platform admins change them; what one user thinks of a company stays in their own notes.
//!
//! This area imports no other area: the areas that show a company (career, jobs,
//! applications, contacts) import it.

pub mod enums;
pub mod graphql;
pub mod store;
