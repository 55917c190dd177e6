//! Relay global object ids: opaque to clients, they name the type and the row.
//! `base64url("CandidateProfile:<uuid>")`.

use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

use crate::graphql::errors::{AppError, AppResult};

/// Every type that implements `Node`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    User,
    CandidateProfile,
    MbtiProfile,
    Experience,
    Engagement,
    Project,
    StarStory,
    Bullet,
    Education,
    Strength,
    Skill,
    CandidateSkill,
    ExperienceSkill,
    JobPosting,
    Application,
    Artifact,
    Organization,
    OrganizationMember,
    OrganizationInvitation,
    CatalogRole,
    Requisition,
    Candidate,
    Candidacy,
    CandidacyNote,
    Interview,
    InterviewFeedback,
    Notification,
}

impl NodeType {
    const ALL: &'static [Self] = &[
        Self::User,
        Self::CandidateProfile,
        Self::MbtiProfile,
        Self::Experience,
        Self::Engagement,
        Self::Project,
        Self::StarStory,
        Self::Bullet,
        Self::Education,
        Self::Strength,
        Self::Skill,
        Self::CandidateSkill,
        Self::ExperienceSkill,
        Self::JobPosting,
        Self::Application,
        Self::Artifact,
        Self::Organization,
        Self::OrganizationMember,
        Self::OrganizationInvitation,
        Self::CatalogRole,
        Self::Requisition,
        Self::Candidate,
        Self::Candidacy,
        Self::CandidacyNote,
        Self::Interview,
        Self::InterviewFeedback,
        Self::Notification,
    ];

    /// The GraphQL type name.
    pub fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::CandidateProfile => "CandidateProfile",
            Self::MbtiProfile => "MbtiProfile",
            Self::Experience => "Experience",
            Self::Engagement => "Engagement",
            Self::Project => "Project",
            Self::StarStory => "StarStory",
            Self::Bullet => "Bullet",
            Self::Education => "Education",
            Self::Strength => "Strength",
            Self::Skill => "Skill",
            Self::CandidateSkill => "CandidateSkill",
            Self::ExperienceSkill => "ExperienceSkill",
            Self::JobPosting => "JobPosting",
            Self::Application => "Application",
            Self::Artifact => "Artifact",
            Self::Organization => "Organization",
            Self::OrganizationMember => "OrganizationMember",
            Self::OrganizationInvitation => "OrganizationInvitation",
            Self::CatalogRole => "CatalogRole",
            Self::Requisition => "Requisition",
            Self::Candidate => "Candidate",
            Self::Candidacy => "Candidacy",
            Self::CandidacyNote => "CandidacyNote",
            Self::Interview => "Interview",
            Self::InterviewFeedback => "InterviewFeedback",
            Self::Notification => "Notification",
        }
    }

    /// The node type with this GraphQL type name.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.name() == name)
    }

    pub fn id(self, uuid: Uuid) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{}:{uuid}", self.name())))
    }
}

/// Splits a global id. A string that is not one of ours is `BAD_USER_INPUT` on `field`.
pub fn decode(id: &ID, field: &str) -> AppResult<(NodeType, Uuid)> {
    let malformed = || AppError::bad_input(field, format!("`{}` is not a valid id", id.as_str()));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| malformed())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| malformed())?;
    let (name, uuid) = text.split_once(':').ok_or_else(malformed)?;
    let node_type = NodeType::named(name).ok_or_else(malformed)?;
    let uuid = Uuid::parse_str(uuid).map_err(|_| malformed())?;
    Ok((node_type, uuid))
}

/// The row id behind an id argument that must name a `expected`. A well-formed id of another
/// type names nothing of that type: `NOT_FOUND`, like an id of someone else's object.
pub fn decode_as(id: &ID, expected: NodeType, field: &str) -> AppResult<Uuid> {
    match decode(id, field)? {
        (node_type, uuid) if node_type == expected => Ok(uuid),
        _ => Err(AppError::NotFound(expected.name())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let uuid = Uuid::now_v7();
        let id = NodeType::CandidateProfile.id(uuid);
        assert_eq!(decode(&id, "id").ok(), Some((NodeType::CandidateProfile, uuid)));
        assert!(decode_as(&id, NodeType::User, "id").is_err());
        for garbage in ["", "x", "VXNlcjo", "VXNlcjpub3QtYS11dWlk"] {
            let error = decode(&ID(garbage.into()), "id").err().map(|e| e.code());
            assert_eq!(error, Some("BAD_USER_INPUT"), "{garbage}");
        }
    }
}
