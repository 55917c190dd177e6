//! Relay global object identification: `node(id:)` and `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};

use crate::accounts::graphql::{Session, User, session_by_id, user_by_id};
use crate::applications::graphql::{
    Application, ApplicationStatusEvent, Artifact, CoverLetterArtifact, CvArtifact, application_by_id,
    artifact_by_id, status_event_by_id,
};
use crate::assessments::graphql::{
    Assessment, AssessmentApplication, AssessmentInvitation, JobDescription, ProctoringEvent, Question,
    QuestionSet, TestAnswer, TestSession, assessment_application_by_id, assessment_by_id,
    assessment_invitation_by_id, job_description_by_id, proctoring_event_by_id, question_by_id,
    question_set_by_id, test_answer_by_id, test_session_by_id,
};
use crate::audit::graphql::{AuditEntry, audit_entry_by_id};
use crate::career::model::{
    Bullet, BulletVersion, Education, Engagement, Experience, Project, StarStory, Strength,
};
use crate::career::store::{
    BulletById, BulletVersionById, EducationById, EngagementById, ExperienceById, ProjectById, StarStoryById,
    StrengthById,
};
use crate::companies::graphql::{Company, company_by_id};
use crate::contacts::graphql::{Contact, contact_by_id};
use crate::evaluation::graphql::{
    CandidacyNote, Interview, InterviewFeedback, feedback_by_id, interview_by_id, note_by_id,
};
use crate::exports::graphql::{ExportJob, export_job_by_id};
use crate::graphql::context::viewer;
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{self, Key, NodeType};
use crate::hiring::graphql::{
    CatalogRole, Organization, OrganizationInvitation, OrganizationMember, RequiredSkill, Requisition,
    catalog_role_by_id, invitation_by_id, member_by_id, organization_by_id, required_skill_by_id,
    requisition_by_id,
};
use crate::jobs::graphql::{ExperienceMatch, JobPosting, JobPostingSkill, match_by_ids, posting_skill_by_id};
use crate::jobs::store::JobPostingById;
use crate::notifications::graphql::{Notification, notification_by_id};
use crate::outputs::graphql::{ApprovedOutput, CriticLog, approved_output_by_id, critic_log_by_id};
use crate::pipeline::graphql::{
    Candidacy, CandidacyEvent, Candidate, RecordShare, candidacy_by_id, candidacy_event_by_id,
    candidate_by_id, record_share_by_id,
};
use crate::profile::graphql::{CandidateProfile, MbtiProfile, mbti_by_id, profile_by_id};
use crate::resumes::graphql::{
    Resume, ResumeItem, ResumeSection, ResumeSnapshot, item_by_id, resume_by_id, section_by_id,
    snapshot_by_id,
};
use crate::skills::graphql::{
    CandidateSkill, CandidateSkillById, ExperienceSkill, ExperienceSkillById, Skill, SkillById,
};
use crate::uploads::graphql::{UploadedDocument, uploaded_document_by_id};

/// An object with a global id, which `node(id:)` fetches again.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global id."))]
pub enum Node {
    User(User),
    CandidateProfile(CandidateProfile),
    MbtiProfile(MbtiProfile),
    Experience(Experience),
    Engagement(Engagement),
    Project(Project),
    StarStory(StarStory),
    Bullet(Bullet),
    Education(Education),
    Strength(Strength),
    Skill(Skill),
    CandidateSkill(CandidateSkill),
    ExperienceSkill(ExperienceSkill),
    JobPosting(JobPosting),
    Application(Application),
    CvArtifact(CvArtifact),
    CoverLetterArtifact(CoverLetterArtifact),
    Organization(Organization),
    OrganizationMember(OrganizationMember),
    OrganizationInvitation(OrganizationInvitation),
    CatalogRole(CatalogRole),
    Requisition(Requisition),
    Candidate(Candidate),
    Candidacy(Candidacy),
    CandidacyNote(CandidacyNote),
    Interview(Interview),
    InterviewFeedback(InterviewFeedback),
    BulletVersion(BulletVersion),
    ApplicationStatusEvent(ApplicationStatusEvent),
    JobPostingSkill(JobPostingSkill),
    ExperienceMatch(ExperienceMatch),
    CandidacyEvent(CandidacyEvent),
    RecordShare(RecordShare),
    RequiredSkill(RequiredSkill),
    Notification(Notification),
    Resume(Resume),
    ResumeSection(ResumeSection),
    ResumeItem(ResumeItem),
    ResumeSnapshot(ResumeSnapshot),
    Session(Session),
    Contact(Contact),
    Company(Company),
    ApprovedOutput(ApprovedOutput),
    CriticLog(CriticLog),
    AuditEntry(AuditEntry),
    ExportJob(ExportJob),
    JobDescription(JobDescription),
    QuestionSet(QuestionSet),
    Question(Question),
    Assessment(Assessment),
    AssessmentInvitation(AssessmentInvitation),
    AssessmentApplication(AssessmentApplication),
    TestSession(TestSession),
    TestAnswer(TestAnswer),
    UploadedDocument(UploadedDocument),
    ProctoringEvent(ProctoringEvent),
}

/// The object with this id if the access policy lets the viewer read it (their own objects and
/// the shared catalog skills); None when there is none or it is someone else's (a private skill
/// included). Every branch goes through a loader, so `nodes` costs one statement per type.
async fn find(ctx: &Context<'_>, id: &ID) -> AppResult<Option<Node>> {
    let (node_type, uuid) = match ids::decode_key(id, "id")? {
        (NodeType::ExperienceMatch, Key::Pair(posting, experience)) => {
            return Ok(match_by_ids(ctx, posting, experience)
                .await?
                .map(Node::ExperienceMatch));
        }
        (node_type, Key::One(uuid)) if node_type != NodeType::ExperienceMatch => (node_type, uuid),
        _ => return Ok(None),
    };
    let me = viewer(ctx)?;
    let loaders = &me.loaders;
    Ok(match node_type {
        NodeType::User => user_by_id(ctx, uuid).await?.map(Node::User),
        NodeType::CandidateProfile => profile_by_id(ctx, uuid).await?.map(Node::CandidateProfile),
        NodeType::MbtiProfile => mbti_by_id(ctx, uuid).await?.map(Node::MbtiProfile),
        NodeType::Experience => loaders.one::<ExperienceById>(uuid).await?.map(Node::Experience),
        NodeType::Engagement => loaders.one::<EngagementById>(uuid).await?.map(Node::Engagement),
        NodeType::Project => loaders.one::<ProjectById>(uuid).await?.map(Node::Project),
        NodeType::StarStory => loaders.one::<StarStoryById>(uuid).await?.map(Node::StarStory),
        NodeType::Bullet => loaders.one::<BulletById>(uuid).await?.map(Node::Bullet),
        NodeType::Education => loaders.one::<EducationById>(uuid).await?.map(Node::Education),
        NodeType::Strength => loaders.one::<StrengthById>(uuid).await?.map(Node::Strength),
        NodeType::Skill => loaders
            .one::<SkillById>(uuid)
            .await?
            .map(|row| Node::Skill(Skill(row))),
        NodeType::CandidateSkill => loaders
            .one::<CandidateSkillById>(uuid)
            .await?
            .map(|row| Node::CandidateSkill(row.into())),
        NodeType::ExperienceSkill => loaders
            .one::<ExperienceSkillById>(uuid)
            .await?
            .map(|row| Node::ExperienceSkill(row.into())),
        NodeType::JobPosting => loaders
            .one::<JobPostingById>(uuid)
            .await?
            .map(|row| Node::JobPosting(row.into())),
        NodeType::Application => application_by_id(ctx, uuid).await?.map(Node::Application),
        NodeType::Artifact => artifact_by_id(ctx, uuid).await?.map(|artifact| match artifact {
            Artifact::Cv(cv) => Node::CvArtifact(cv),
            Artifact::CoverLetter(letter) => Node::CoverLetterArtifact(letter),
        }),
        NodeType::Organization => organization_by_id(ctx, uuid).await?.map(Node::Organization),
        NodeType::OrganizationMember => member_by_id(ctx, uuid).await?.map(Node::OrganizationMember),
        NodeType::OrganizationInvitation => invitation_by_id(ctx, uuid)
            .await?
            .map(Node::OrganizationInvitation),
        NodeType::CatalogRole => catalog_role_by_id(ctx, uuid).await?.map(Node::CatalogRole),
        NodeType::Requisition => requisition_by_id(ctx, uuid).await?.map(Node::Requisition),
        NodeType::Candidate => candidate_by_id(ctx, uuid).await?.map(Node::Candidate),
        NodeType::Candidacy => candidacy_by_id(ctx, uuid).await?.map(Node::Candidacy),
        NodeType::CandidacyNote => note_by_id(ctx, uuid).await?.map(Node::CandidacyNote),
        NodeType::Interview => interview_by_id(ctx, uuid).await?.map(Node::Interview),
        NodeType::InterviewFeedback => feedback_by_id(ctx, uuid).await?.map(Node::InterviewFeedback),
        NodeType::BulletVersion => loaders
            .one::<BulletVersionById>(uuid)
            .await?
            .map(Node::BulletVersion),
        NodeType::ApplicationStatusEvent => status_event_by_id(ctx, uuid)
            .await?
            .map(Node::ApplicationStatusEvent),
        NodeType::JobPostingSkill => posting_skill_by_id(ctx, uuid).await?.map(Node::JobPostingSkill),
        NodeType::CandidacyEvent => candidacy_event_by_id(ctx, uuid).await?.map(Node::CandidacyEvent),
        NodeType::RecordShare => record_share_by_id(ctx, uuid).await?.map(Node::RecordShare),
        NodeType::RequiredSkill => required_skill_by_id(ctx, uuid).await?.map(Node::RequiredSkill),
        // A match has a pair id, handled above.
        NodeType::ExperienceMatch => None,
        NodeType::Notification => notification_by_id(ctx, uuid).await?.map(Node::Notification),
        NodeType::Resume => resume_by_id(ctx, uuid).await?.map(Node::Resume),
        NodeType::ResumeSection => section_by_id(ctx, uuid).await?.map(Node::ResumeSection),
        NodeType::ResumeItem => item_by_id(ctx, uuid).await?.map(Node::ResumeItem),
        NodeType::ResumeSnapshot => snapshot_by_id(ctx, uuid).await?.map(Node::ResumeSnapshot),
        NodeType::Session => session_by_id(ctx, uuid).await?.map(Node::Session),
        NodeType::Contact => contact_by_id(ctx, uuid).await?.map(Node::Contact),
        NodeType::Company => company_by_id(ctx, uuid).await?.map(Node::Company),
        NodeType::ApprovedOutput => approved_output_by_id(ctx, uuid).await?.map(Node::ApprovedOutput),
        NodeType::CriticLog => critic_log_by_id(ctx, uuid).await?.map(Node::CriticLog),
        NodeType::AuditEntry => audit_entry_by_id(ctx, uuid).await?.map(Node::AuditEntry),
        NodeType::ExportJob => export_job_by_id(ctx, uuid).await?.map(Node::ExportJob),
        NodeType::JobDescription => job_description_by_id(ctx, uuid).await?.map(Node::JobDescription),
        NodeType::QuestionSet => question_set_by_id(ctx, uuid).await?.map(Node::QuestionSet),
        NodeType::Question => question_by_id(ctx, uuid).await?.map(Node::Question),
        NodeType::Assessment => assessment_by_id(ctx, uuid).await?.map(Node::Assessment),
        NodeType::AssessmentInvitation => assessment_invitation_by_id(ctx, uuid)
            .await?
            .map(Node::AssessmentInvitation),
        NodeType::AssessmentApplication => assessment_application_by_id(ctx, uuid)
            .await?
            .map(Node::AssessmentApplication),
        NodeType::TestSession => test_session_by_id(ctx, uuid).await?.map(Node::TestSession),
        NodeType::TestAnswer => test_answer_by_id(ctx, uuid).await?.map(Node::TestAnswer),
        NodeType::UploadedDocument => uploaded_document_by_id(ctx, uuid)
            .await?
            .map(Node::UploadedDocument),
        NodeType::ProctoringEvent => proctoring_event_by_id(ctx, uuid)
            .await?
            .map(Node::ProctoringEvent),
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any of the viewer's objects (or a shared catalog skill) by its global id.
    /// `NOT_FOUND` when no object of the viewer's has it (someone else's object, such as their
    /// private skill, is never revealed);
    /// `BAD_USER_INPUT` when the id is malformed.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as any object's `id` field gives it.")] id: ID,
    ) -> AppResult<Option<Node>> {
        find(ctx, &id).await?.map(Some).ok_or(AppError::NotFound("node"))
    }

    /// Fetches several objects by global id, in the order given (null where not found).
    /// At most 100 ids.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            validator(max_items = 100),
            desc = "Up to 100 global ids; the answer keeps their order."
        )]
        ids: Vec<ID>,
    ) -> AppResult<Vec<Option<Node>>> {
        let found = futures_util::future::join_all(ids.iter().map(|id| find(ctx, id))).await;
        found.into_iter().collect()
    }
}
