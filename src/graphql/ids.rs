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
    BulletVersion,
    ApplicationStatusEvent,
    JobPostingSkill,
    ExperienceMatch,
    CandidacyEvent,
    RecordShare,
    RequiredSkill,
    Notification,
    Resume,
    ResumeSection,
    ResumeItem,
    ResumeSnapshot,
    Session,
    Contact,
    Company,
    ApprovedOutput,
    CriticLog,
    AuditEntry,
    ExportJob,
    JobDescription,
    QuestionSet,
    Question,
    Assessment,
    AssessmentInvitation,
    AssessmentApplication,
    TestSession,
    TestAnswer,
    UploadedDocument,
    ProctoringEvent,
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
        Self::BulletVersion,
        Self::ApplicationStatusEvent,
        Self::JobPostingSkill,
        Self::ExperienceMatch,
        Self::CandidacyEvent,
        Self::RecordShare,
        Self::RequiredSkill,
        Self::Notification,
        Self::Resume,
        Self::ResumeSection,
        Self::ResumeItem,
        Self::ResumeSnapshot,
        Self::Session,
        Self::Contact,
        Self::Company,
        Self::ApprovedOutput,
        Self::CriticLog,
        Self::AuditEntry,
        Self::ExportJob,
        Self::JobDescription,
        Self::QuestionSet,
        Self::Question,
        Self::Assessment,
        Self::AssessmentInvitation,
        Self::AssessmentApplication,
        Self::TestSession,
        Self::TestAnswer,
        Self::UploadedDocument,
        Self::ProctoringEvent,
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
            Self::BulletVersion => "BulletVersion",
            Self::ApplicationStatusEvent => "ApplicationStatusEvent",
            Self::JobPostingSkill => "JobPostingSkill",
            Self::ExperienceMatch => "ExperienceMatch",
            Self::CandidacyEvent => "CandidacyEvent",
            Self::RecordShare => "RecordShare",
            Self::RequiredSkill => "RequiredSkill",
            Self::Notification => "Notification",
            Self::Resume => "Resume",
            Self::ResumeSection => "ResumeSection",
            Self::ResumeItem => "ResumeItem",
            Self::ResumeSnapshot => "ResumeSnapshot",
            Self::Session => "Session",
            Self::Contact => "Contact",
            Self::Company => "Company",
            Self::ApprovedOutput => "ApprovedOutput",
            Self::CriticLog => "CriticLog",
            Self::AuditEntry => "AuditEntry",
            Self::ExportJob => "ExportJob",
            Self::JobDescription => "JobDescription",
            Self::QuestionSet => "QuestionSet",
            Self::Question => "Question",
            Self::Assessment => "Assessment",
            Self::AssessmentInvitation => "AssessmentInvitation",
            Self::AssessmentApplication => "AssessmentApplication",
            Self::TestSession => "TestSession",
            Self::TestAnswer => "TestAnswer",
            Self::UploadedDocument => "UploadedDocument",
            Self::ProctoringEvent => "ProctoringEvent",
        }
    }

    /// The node type with this GraphQL type name.
    pub fn named(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|t| t.name() == name)
    }

    pub fn id(self, uuid: Uuid) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{}:{uuid}", self.name())))
    }

    /// The id of an object identified by two rows rather than one of its own (an experience's
    /// match against a posting, computed on read): `base64url("<Type>:<uuid>:<uuid>")`.
    pub fn pair_id(self, first: Uuid, second: Uuid) -> ID {
        ID(URL_SAFE_NO_PAD.encode(format!("{}:{first}:{second}", self.name())))
    }
}

/// What a global id names after its type: one row, or a pair of rows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    One(Uuid),
    Pair(Uuid, Uuid),
}

/// Splits a global id of either shape. A string that is not one of ours is `BAD_USER_INPUT` on
/// `field`.
pub fn decode_key(id: &ID, field: &str) -> AppResult<(NodeType, Key)> {
    let malformed = || AppError::bad_input(field, format!("`{}` is not a valid id", id.as_str()));
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).map_err(|_| malformed())?;
    let text = std::str::from_utf8(&bytes).map_err(|_| malformed())?;
    let (name, rest) = text.split_once(':').ok_or_else(malformed)?;
    let node_type = NodeType::named(name).ok_or_else(malformed)?;
    let uuid = |text: &str| Uuid::parse_str(text).map_err(|_| malformed());
    let key = match rest.split_once(':') {
        None => Key::One(uuid(rest)?),
        Some((first, second)) => Key::Pair(uuid(first)?, uuid(second)?),
    };
    Ok((node_type, key))
}

/// Splits the global id of a one-row object. A pair id names no such object: `NOT_FOUND`.
pub fn decode(id: &ID, field: &str) -> AppResult<(NodeType, Uuid)> {
    match decode_key(id, field)? {
        (node_type, Key::One(uuid)) => Ok((node_type, uuid)),
        (node_type, Key::Pair(..)) => Err(AppError::NotFound(node_type.name())),
    }
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
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let pair = NodeType::ExperienceMatch.pair_id(a, b);
        assert_eq!(
            decode_key(&pair, "id").ok(),
            Some((NodeType::ExperienceMatch, Key::Pair(a, b)))
        );
        assert_eq!(decode(&pair, "id").err().map(|e| e.code()), Some("NOT_FOUND"));
        for garbage in ["", "x", "VXNlcjo", "VXNlcjpub3QtYS11dWlk"] {
            let error = decode(&ID(garbage.into()), "id").err().map(|e| e.code());
            assert_eq!(error, Some("BAD_USER_INPUT"), "{garbage}");
        }
    }
}
