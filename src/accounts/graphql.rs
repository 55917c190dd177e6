//! GraphQL for accounts: `User`, the viewer, sessions, the session mutations, password change,
//! account state and account deletion.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::store::{self, SessionById, SessionRow, SessionsOfUser, UserRole, UserRow};
use super::throttle::SignInThrottle;
use crate::access::Principal;
use crate::applications::graphql::{Application, ApplicationFilter, ApplicationOrder, applications_of};
use crate::career::graphql as career;
use crate::career::model::{Education, Project, Strength};
use crate::evaluation::enums::InterviewStatus;
use crate::evaluation::graphql::{Interview, interviews_of};
use crate::graphql::IdInput;
use crate::graphql::connection::{Conn, PageArgs};
use crate::graphql::context::{act_as, services, user_agent, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::{NodeType, decode_as};
use crate::graphql::loaders::Relation;
use crate::graphql::scalars::EmailAddress;
use crate::hiring::graphql::{OrganizationMember, memberships_of};
use crate::jobs::graphql::{JobPosting, JobPostingFilter, JobPostingOrder, job_postings_of};
use crate::notifications::graphql::{Notification, NotificationFilter, notifications_of, unread_count_of};
use crate::pipeline::graphql::{RecordShare, record_shares_of};
use crate::profile::graphql::CandidateProfile;
use crate::resumes::graphql::{Resume, ResumeFilter, resumes_of};
use crate::skills::graphql::{CandidateSkill, CandidateSkillFilter, CandidateSkillOrder, candidate_skills};

/// The root fields that check a credential (a password or a refresh token): a request may run
/// one of them at most, so aliases cannot turn one request into a password-guessing run.
pub const CREDENTIAL_FIELDS: &[&str] = &[
    "signIn",
    "signUp",
    "refreshSession",
    "changePassword",
    "deleteAccount",
];

/// The users among the keys that the principal may see (today: themself).
pub struct UserById;

impl Relation for UserById {
    type Row = UserRow;

    async fn fetch(conn: &mut AsyncPgConnection, who: Principal, keys: &[Uuid]) -> QueryResult<Vec<UserRow>> {
        store::users_by_ids(conn, who, keys).await
    }

    fn key(row: &UserRow) -> Uuid {
        row.id
    }
}

/// The active account with this id, if the viewer may see it (a deactivated one reads as
/// missing).
pub async fn user_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<User>> {
    let row = viewer(ctx)?.loaders.one::<UserById>(id).await?;
    Ok(row.filter(|row| row.is_active).map(User))
}

/// Loads the viewer's account; `UNAUTHENTICATED` if it is gone or deactivated.
pub async fn load_viewer(ctx: &Context<'_>) -> AppResult<User> {
    user_by_id(ctx, viewer(ctx)?.id)
        .await?
        .ok_or(AppError::Unauthenticated(
            "the account no longer exists or is deactivated",
        ))
}

/// An account. Everything a person owns is reached from it.
pub struct User(pub UserRow);

/// An account: the signed-in person (`viewer`). Everything a person owns — profile, career
/// record, skills, postings, applications, organisations — is reached from it.
#[Object]
impl User {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::User.id(self.0.id)
    }

    /// Sign-in email, normalised to lower case.
    async fn email(&self) -> EmailAddress {
        EmailAddress(self.0.email.clone())
    }

    /// What the account is for.
    async fn role(&self) -> UserRole {
        self.0.role
    }

    /// Whether the email address has been confirmed.
    async fn is_verified(&self) -> bool {
        self.0.is_verified
    }

    /// Whether the account may sign in. A platform admin deactivates an account with
    /// `deactivateUser` (its sessions end, its access tokens and WebSockets are refused at
    /// once, and organisations stop seeing its shared record) and reactivates it with
    /// `reactivateUser`; nothing is deleted. Only the user and platform admins see it.
    async fn is_active(&self) -> bool {
        self.0.is_active
    }

    /// The user's sessions (one per sign-in, kept through refreshes), most recently used
    /// first: those that can still be refreshed, and those revoked before they would have
    /// expired. Only the user sees them.
    async fn sessions(&self, ctx: &Context<'_>) -> AppResult<Vec<Session>> {
        let me = viewer(ctx)?;
        let current = me.session_id;
        let rows = me.loaders.many::<SessionsOfUser>(self.0.id).await?;
        Ok(rows
            .into_iter()
            .map(|row| Session {
                current: Some(row.id) == current,
                row,
            })
            .collect())
    }

    /// How many times the user has signed in (sign-up counts as the first).
    async fn login_count(&self) -> i32 {
        self.0.login_count
    }

    /// When the user last signed in.
    async fn last_login_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_login_at
    }

    /// Consecutive days (UTC) on which the user signed in (sign-up counts as the first).
    async fn login_streak(&self) -> Streak {
        Streak::new(
            self.0.login_streak,
            self.0.login_streak_max,
            self.0.last_login_date,
        )
    }

    /// Consecutive days (UTC) on which the user completed an assessment's test session while
    /// signed in (when it was started).
    async fn quiz_streak(&self) -> Streak {
        Streak::new(self.0.quiz_streak, self.0.quiz_streak_max, self.0.last_quiz_date)
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// The user's username (ETPS `username`), in the letter case they chose; unique in any
    /// case. Null when they have none (`setUsername`).
    async fn username(&self) -> Option<&str> {
        self.0.username.as_deref()
    }

    /// When the user accepted the terms of service (at sign-up, or later with `acceptTerms`).
    /// Null for an account from before terms were recorded that has not accepted them since.
    async fn terms_accepted_at(&self) -> Option<DateTime<Utc>> {
        self.0.terms_accepted_at
    }

    /// The version of the terms the user accepted (`termsAcceptedAt`); null with it.
    async fn terms_version(&self) -> Option<&str> {
        self.0.terms_version.as_deref()
    }

    /// The user's settings (Assist-Ten AdminSettings); the defaults until changed with
    /// `updateSettings`. Only the user sees them.
    async fn settings(&self, ctx: &Context<'_>) -> AppResult<super::extras::UserSettings> {
        super::extras::settings_of(ctx, self.0.id).await
    }

    /// The candidate profile, created with the account.
    async fn profile(&self, ctx: &Context<'_>) -> AppResult<CandidateProfile> {
        crate::profile::graphql::profile_of(ctx, self.0.id).await
    }

    /// Degrees and courses: current first, then by most recent end.
    async fn education(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Education>> {
        career::education_of(ctx, self.0.id, PageArgs::new(first, after, last, before)?).await
    }

    /// Strengths that are not hard skills, oldest first.
    async fn strengths(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Strength>> {
        career::strengths_of(ctx, self.0.id, PageArgs::new(first, after, last, before)?).await
    }

    /// Every project, most recent first; `personalOnly` keeps those outside any experience.
    #[allow(clippy::too_many_arguments)]
    async fn projects(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default,
            desc = "Only projects outside any experience (side projects). Default false."
        )]
        personal_only: bool,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Project>> {
        let args = PageArgs::new(first, after, last, before)?;
        career::projects_of(ctx, self.0.id, personal_only, args).await
    }

    /// The candidate's applications, most recently changed first by default.
    #[allow(clippy::too_many_arguments)]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to keep; omitted keeps all.")] filter: Option<ApplicationFilter>,
        #[graphql(
            desc = "The order of the list; omitted uses the default named in the field's description."
        )]
        order_by: Option<ApplicationOrder>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Application>> {
        let args = PageArgs::new(first, after, last, before)?;
        applications_of(
            ctx,
            self.0.id,
            args,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
        )
        .await
    }

    /// The organisations the user is a member of, with their role in each, oldest
    /// membership first.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<OrganizationMember>> {
        memberships_of(ctx, self.0.id, PageArgs::new(first, after, last, before)?).await
    }

    /// The interviews the user is on (as lead or additional interviewer), in every
    /// organisation, earliest first.
    async fn interviews(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only interviews with this status.")] status: Option<InterviewStatus>,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Interview>> {
        interviews_of(ctx, self.0.id, status, PageArgs::new(first, after, last, before)?).await
    }

    /// The user's notifications, newest first: by default those not archived, read and
    /// unread.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which notifications; omitted, every one not archived.")] filter: Option<
            NotificationFilter,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Notification>> {
        let args = PageArgs::new(first, after, last, before)?;
        notifications_of(ctx, self.0.id, filter.unwrap_or_default(), args).await
    }

    /// The user's contacts (#15), by name; deleted ones never show.
    async fn contacts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which contacts; omitted, all of them.")] filter: Option<
            crate::contacts::graphql::ContactFilter,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<crate::contacts::graphql::Contact>> {
        let args = PageArgs::new(first, after, last, before)?;
        crate::contacts::graphql::contacts_of(ctx, self.0.id, filter.unwrap_or_default(), args).await
    }

    /// The generated texts the user approved, newest first.
    async fn approved_outputs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which outputs; omitted, all of them.")] filter: Option<
            crate::outputs::graphql::ApprovedOutputFilter,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<crate::outputs::graphql::ApprovedOutput>> {
        let args = PageArgs::new(first, after, last, before)?;
        crate::outputs::graphql::approved_outputs_of(ctx, self.0.id, filter.unwrap_or_default(), args).await
    }

    /// The critic's verdicts on the user's generation sessions: newest first, or one
    /// session's by iteration.
    async fn critic_logs(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which verdicts; omitted, all of them.")] filter: Option<
            crate::outputs::graphql::CriticLogFilter,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<crate::outputs::graphql::CriticLog>> {
        let args = PageArgs::new(first, after, last, before)?;
        crate::outputs::graphql::critic_logs_of(ctx, self.0.id, filter.unwrap_or_default(), args).await
    }

    /// The history of changes the user may read, newest first: every change to their own
    /// data, and to the data of the organisations they administer. Empty on another user.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which entries; omitted, all of them.")] filter: Option<
            crate::audit::graphql::AuditLogFilter,
        >,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<crate::audit::graphql::AuditEntry>> {
        let args = PageArgs::new(first, after, last, before)?;
        crate::audit::graphql::audit_log_of(ctx, self.0.id, filter.unwrap_or_default(), args).await
    }

    /// How many of the user's notifications are unread and not archived.
    async fn unread_notification_count(&self, ctx: &Context<'_>) -> AppResult<i32> {
        unread_count_of(ctx, self.0.id).await
    }

    /// The organisations the user shares their career record with (by applying to their
    /// requisitions), and those they revoked, most recent first.
    async fn record_shares(&self, ctx: &Context<'_>) -> AppResult<Vec<RecordShare>> {
        record_shares_of(ctx, self.0.id).await
    }

    /// Job postings the candidate saved, newest first by default.
    #[allow(clippy::too_many_arguments)]
    async fn job_postings(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to keep; omitted keeps all.")] filter: Option<JobPostingFilter>,
        #[graphql(
            desc = "The order of the list; omitted uses the default named in the field's description."
        )]
        order_by: Option<JobPostingOrder>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<JobPosting>> {
        let args = PageArgs::new(first, after, last, before)?;
        job_postings_of(
            ctx,
            self.0.id,
            args,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
        )
        .await
    }

    /// The user's resumes, most recently changed first.
    async fn resumes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which resumes to keep; omitted keeps all.")] filter: Option<ResumeFilter>,
        #[graphql(desc = "Return the first N items (0 to 100), after `after` if given. Default 50.")]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<Resume>> {
        let args = PageArgs::new(first, after, last, before)?;
        resumes_of(ctx, self.0.id, filter.unwrap_or_default(), args).await
    }

    /// The skills the candidate claims, strongest first by default.
    #[allow(clippy::too_many_arguments)]
    async fn skills(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items to keep; omitted keeps all.")] filter: Option<CandidateSkillFilter>,
        #[graphql(
            desc = "The order of the list; omitted uses the default named in the field's description."
        )]
        order_by: Option<CandidateSkillOrder>,
        #[graphql(
            desc = "Return the first N items (0 to 100), after `after` if given. Without `first` and `last`, the first 50."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.endCursor`): return the items after it. The cursor of an item that is gone starts from the beginning."
        )]
        after: Option<String>,
        #[graphql(desc = "Return the last N items (0 to 100), before `before` if given.")] last: Option<i32>,
        #[graphql(
            desc = "A cursor (an edge's `cursor` or `pageInfo.startCursor`): return the items before it."
        )]
        before: Option<String>,
    ) -> AppResult<Conn<CandidateSkill>> {
        let args = PageArgs::new(first, after, last, before)?;
        candidate_skills(
            ctx,
            self.0.id,
            args,
            filter.unwrap_or_default(),
            order_by.unwrap_or_default(),
        )
        .await
    }
}

/// A run of consecutive days (UTC) with some activity (Assist-Ten's streaks).
#[derive(SimpleObject)]
pub struct Streak {
    /// Days in the run that is still alive: its last day is today or yesterday; 0 once a day
    /// was missed (until the next activity starts a new run at 1).
    pub current: i32,
    /// The longest run there has been, in days.
    pub longest: i32,
    /// The last day counted; null before any.
    pub last_date: Option<crate::graphql::scalars::Date>,
}

impl Streak {
    fn new(stored: i32, longest: i32, last: Option<chrono::NaiveDate>) -> Self {
        let yesterday = Utc::now().date_naive() - chrono::Duration::days(1);
        Self {
            current: if last.is_some_and(|day| day >= yesterday) {
                stored
            } else {
                0
            },
            longest,
            last_date: last.map(crate::graphql::scalars::Date),
        }
    }
}

/// Email and password, for signing in.
#[derive(InputObject)]
pub struct CredentialsInput {
    /// Any case; stored in lower case.
    pub email: EmailAddress,
    /// 8 to 256 characters.
    pub password: String,
}

/// What signing up takes: the credentials, the acceptance of the terms, and optionally a
/// username.
#[derive(InputObject)]
pub struct SignUpInput {
    /// Any case; stored in lower case.
    pub email: EmailAddress,
    /// 8 to 256 characters.
    pub password: String,
    /// Must be true: the person accepts the terms of service (`BAD_USER_INPUT` naming this
    /// field otherwise, and no account is made). Recorded as `User.termsAcceptedAt`.
    #[graphql(default)]
    pub accept_terms: bool,
    /// The version of the terms the person was shown (1 to 50 characters); omitted, the
    /// server's current one (`Query.termsVersion`). Recorded as `User.termsVersion`.
    pub terms_version: Option<String>,
    /// An optional username: 3 to 30 letters, digits, `.`, `_` or `-`, starting with a letter
    /// or digit. `CONFLICT` when another account holds it in any letter case.
    pub username: Option<String>,
}

/// A refresh token, as returned in an `AuthPayload`.
#[derive(InputObject)]
pub struct RefreshTokenInput {
    /// The refresh token from the last `AuthPayload`; each is single use (a reused one revokes
    /// every token of its sign-in).
    pub refresh_token: String,
}

/// A new session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Short-lived JWT: send it as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// When the access token expires (`--access-token-ttl` after it was issued, 15 minutes by
    /// default): refresh before then. It is refused earlier if its session is revoked or the
    /// account deactivated.
    pub access_token_expires_at: DateTime<Utc>,
    /// Opaque, single-use token that `refreshSession` trades for a new session. Keep it secret:
    /// using one twice revokes every session descended from the same sign-in.
    pub refresh_token: String,
    /// When the refresh token expires (`--refresh-token-ttl` after it was issued, 30 days by
    /// default); each refresh gives a new one with a new expiry.
    pub refresh_token_expires_at: DateTime<Utc>,
    /// The session these tokens belong to (`viewer.sessions` lists it).
    pub session: Session,
    /// The signed-in user.
    pub user: User,
}

/// The result of `signOut`.
#[derive(SimpleObject)]
pub struct SignOutPayload {
    /// Always true: after this call the session's refresh tokens and access tokens no longer
    /// work.
    pub signed_out: bool,
}

/// The payload of a new session; the rest of the request acts as its user.
fn signed_in(ctx: &Context<'_>, session: super::Session) -> AuthPayload {
    act_as(ctx, session.user.id, session.session.id);
    AuthPayload {
        access_token: session.access_token,
        access_token_expires_at: session.access_expires_at,
        refresh_token: session.refresh_token,
        refresh_token_expires_at: session.refresh_expires_at,
        session: Session {
            row: session.session,
            current: true,
        },
        user: User(session.user),
    }
}

/// One sign-in of the user, on one device or client: it lasts through refreshes until it is
/// signed out, revoked, or its refresh token expires.
pub struct Session {
    row: SessionRow,
    current: bool,
}

/// One sign-in of the user, on one device or client: it lasts through refreshes until it is
/// signed out, revoked (`revokeSession`, `revokeOtherSessions`, `changePassword`, account
/// deactivation, a reused refresh token) or its refresh token expires.
#[Object]
impl Session {
    /// Opaque global id; `revokeSession` takes it.
    pub async fn id(&self) -> ID {
        NodeType::Session.id(self.row.id)
    }

    /// A short name for the client that signed in, derived from its `User-Agent` (e.g.
    /// "Firefox on Linux", "curl"); "Unknown client" when it sent none.
    async fn client_label(&self) -> String {
        client_label(self.row.user_agent.as_deref())
    }

    /// The `User-Agent` the client sent when it signed in (control characters removed, at most
    /// 512 characters); null when it sent none.
    async fn user_agent(&self) -> Option<&str> {
        self.row.user_agent.as_deref()
    }

    /// When the session started (the sign-in).
    async fn created_at(&self) -> DateTime<Utc> {
        self.row.created_at
    }

    /// When the session was last refreshed (or started, if never).
    async fn last_used_at(&self) -> DateTime<Utc> {
        self.row.last_used_at
    }

    /// When the session's current refresh token expires; it ends then unless refreshed.
    async fn expires_at(&self) -> DateTime<Utc> {
        self.row.expires_at
    }

    /// When the session was revoked (signed out or revoked); null while it lasts.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.row.revoked_at
    }

    /// Whether the session can still be refreshed: not revoked and not expired.
    async fn active(&self) -> bool {
        self.row.revoked_at.is_none() && self.row.expires_at > Utc::now()
    }

    /// Whether the access token of this request belongs to this session.
    async fn current(&self) -> bool {
        self.current
    }
}

/// The session, if it is the viewer's.
pub async fn session_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<Session>> {
    let me = viewer(ctx)?;
    let row = me.loaders.one::<SessionById>(id).await?;
    Ok(row.map(|row| Session {
        current: Some(row.id) == me.session_id,
        row,
    }))
}

/// "Browser on system" from a `User-Agent`, the browser alone, or the first product named.
fn client_label(user_agent: Option<&str>) -> String {
    let Some(agent) = user_agent.filter(|agent| !agent.trim().is_empty()) else {
        return "Unknown client".to_owned();
    };
    let has = |needle: &str| agent.contains(needle);
    let browser = if has("Edg/") {
        Some("Edge")
    } else if has("OPR/") {
        Some("Opera")
    } else if has("Firefox/") {
        Some("Firefox")
    } else if has("Chrome/") || has("CriOS/") {
        Some("Chrome")
    } else if has("Safari/") && has("Version/") {
        Some("Safari")
    } else {
        None
    };
    let system = if has("Windows") {
        Some("Windows")
    } else if has("Android") {
        Some("Android")
    } else if has("iPhone") || has("iPad") {
        Some("iOS")
    } else if has("Macintosh") || has("Mac OS X") {
        Some("macOS")
    } else if has("CrOS") {
        Some("ChromeOS")
    } else if has("Linux") {
        Some("Linux")
    } else {
        None
    };
    match (browser, system) {
        (Some(browser), Some(system)) => format!("{browser} on {system}"),
        (Some(browser), None) => browser.to_owned(),
        _ => {
            // A non-browser client names itself first: "curl/8.5.0", "okhttp/4.12".
            let product = agent.split(['/', ' ']).next().unwrap_or(agent);
            let label: String = product.chars().take(40).collect();
            match system {
                Some(system) => format!("{label} on {system}"),
                None => label,
            }
        }
    }
}

/// The current password and the new one.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password the account has now; a wrong one is `BAD_USER_INPUT` naming this field
    /// (and counts as a failed sign-in for the account's throttle).
    pub current_password: String,
    /// 8 to 256 characters.
    pub new_password: String,
}

/// Confirms the deletion of the viewer's account.
#[derive(InputObject)]
pub struct DeleteAccountInput {
    /// The account's current password; a wrong one is `BAD_USER_INPUT` naming this field (and
    /// counts as a failed sign-in for the account's throttle).
    pub password: String,
}

/// The result of `changePassword`.
#[derive(SimpleObject)]
pub struct ChangePasswordPayload {
    /// The account.
    pub user: User,
    /// How many other sessions were revoked (their access tokens are refused from now on).
    pub revoked_session_count: i32,
}

/// The result of `revokeSession`.
#[derive(SimpleObject)]
pub struct RevokeSessionPayload {
    /// The session, now revoked.
    pub session: Session,
}

/// The result of `revokeOtherSessions`.
#[derive(SimpleObject)]
pub struct RevokeOtherSessionsPayload {
    /// How many sessions were revoked.
    pub revoked_session_count: i32,
}

/// The result of `deactivateUser` and `reactivateUser`. A platform admin sees the account's
/// state here; the account itself (its profile, its record) stays the user's own.
#[derive(SimpleObject)]
pub struct AccountStatePayload {
    /// The account's global id.
    pub user_id: ID,
    /// The account's sign-in email.
    pub email: EmailAddress,
    /// Whether the account may sign in now.
    pub is_active: bool,
    /// How many of its sessions this change revoked (0 for a reactivation).
    pub revoked_session_count: i32,
}

async fn change_account_state(
    ctx: &Context<'_>,
    input: IdInput,
    active: bool,
) -> AppResult<AccountStatePayload> {
    let admin = viewer(ctx)?.principal();
    let user_id = decode_as(&input.id, NodeType::User, "id")?;
    let services = services(ctx);
    let (user, revoked) =
        super::set_account_active(&services.pool, &services.keys, admin, user_id, active).await?;
    Ok(AccountStatePayload {
        user_id: NodeType::User.id(user.id),
        email: EmailAddress(user.email),
        is_active: user.is_active,
        revoked_session_count: count(revoked),
    })
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The signed-in user. `UNAUTHENTICATED` without a valid bearer token.
    async fn viewer(&self, ctx: &Context<'_>) -> AppResult<User> {
        load_viewer(ctx).await
    }
}

#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Creates an account (with an empty candidate profile) and signs it in. Requires
    /// `acceptTerms: true` (`BAD_USER_INPUT` naming it otherwise). `CONFLICT` if the email is
    /// taken in any letter case, or the username.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SignUpInput`. Every field is checked before anything is written."
        )]
        input: SignUpInput,
    ) -> AppResult<AuthPayload> {
        let extras =
            super::extras::SignUpExtras::check(input.accept_terms, input.terms_version, input.username)?;
        let services = services(ctx);
        let session = super::sign_up(
            &services.pool,
            &services.keys,
            &input.email,
            input.password,
            user_agent(ctx),
            &extras,
        )
        .await?;
        Ok(signed_in(ctx, session))
    }

    /// Signs in. A wrong email and a wrong password get the same `UNAUTHENTICATED` answer; the
    /// right password of a deactivated account gets `ACCOUNT_DISABLED` (so only someone who
    /// knows the password learns that the account exists and is deactivated).
    async fn sign_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CredentialsInput`. Every field is checked before anything is written."
        )]
        input: CredentialsInput,
    ) -> AppResult<AuthPayload> {
        let services = services(ctx);
        let session = super::sign_in(
            &services.pool,
            &services.keys,
            ctx.data_unchecked::<SignInThrottle>(),
            &input.email,
            input.password,
            user_agent(ctx),
        )
        .await?;
        Ok(signed_in(ctx, session))
    }

    /// Trades a refresh token for a new access token and a new refresh token. The old refresh
    /// token stops working; presenting it again revokes the whole session.
    async fn refresh_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RefreshTokenInput`. Every field is checked before anything is written."
        )]
        input: RefreshTokenInput,
    ) -> AppResult<AuthPayload> {
        let services = services(ctx);
        let session = super::refresh(&services.pool, &services.keys, &input.refresh_token).await?;
        Ok(signed_in(ctx, session))
    }

    /// Ends the session the refresh token belongs to: its refresh tokens and its access tokens
    /// are refused from now on, on every server copy and on open WebSockets (closed with 4403).
    async fn sign_out(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RefreshTokenInput`. Every field is checked before anything is written."
        )]
        input: RefreshTokenInput,
    ) -> AppResult<SignOutPayload> {
        let services = services(ctx);
        super::sign_out(&services.pool, &services.keys, &input.refresh_token).await?;
        Ok(SignOutPayload { signed_out: true })
    }

    /// Revokes one of the viewer's sessions (signs that device out): its refresh token fails
    /// from now on, and its access tokens are refused at once on every server copy (open
    /// WebSockets close with 4403). Revoking the current session signs this client out too.
    /// `NOT_FOUND` if the session is not the viewer's; revoking a revoked one changes nothing.
    async fn revoke_session(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session's `id` (from `viewer.sessions`).")] input: IdInput,
    ) -> AppResult<RevokeSessionPayload> {
        let me = viewer(ctx)?;
        let id = decode_as(&input.id, NodeType::Session, "id")?;
        let services = services(ctx);
        let row = super::revoke_session(&services.pool, &services.keys, me.principal(), id).await?;
        Ok(RevokeSessionPayload {
            session: Session {
                current: Some(row.id) == me.session_id,
                row,
            },
        })
    }

    /// Signs out everywhere else: revokes every session of the viewer but the one this
    /// request's access token belongs to. Their refresh tokens fail and their access tokens
    /// are refused at once on every server copy (open WebSockets close with 4403).
    async fn revoke_other_sessions(&self, ctx: &Context<'_>) -> AppResult<RevokeOtherSessionsPayload> {
        let me = viewer(ctx)?;
        let services = services(ctx);
        let revoked =
            super::revoke_other_sessions(&services.pool, &services.keys, me.principal(), me.session_id)
                .await?;
        Ok(RevokeOtherSessionsPayload {
            revoked_session_count: count(revoked),
        })
    }

    /// Changes the viewer's password and signs out every other session (as
    /// `revokeOtherSessions`); this session stays signed in. `BAD_USER_INPUT` naming
    /// `currentPassword` if it is wrong (failures are throttled like sign-ins: `RATE_LIMITED`)
    /// or `newPassword` if it breaks the password rules. Counts as a credential check: one per
    /// request.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `ChangePasswordInput`. Every field is checked before anything is written."
        )]
        input: ChangePasswordInput,
    ) -> AppResult<ChangePasswordPayload> {
        let me = viewer(ctx)?;
        let services = services(ctx);
        let (user, revoked) = super::change_password(
            &services.pool,
            &services.keys,
            ctx.data_unchecked::<SignInThrottle>(),
            me.principal(),
            me.session_id,
            input.current_password,
            input.new_password,
        )
        .await?;
        Ok(ChangePasswordPayload {
            user: User(user),
            revoked_session_count: count(revoked),
        })
    }

    /// Deletes the viewer's account for good, after checking its password as `signIn` does
    /// (`BAD_USER_INPUT` naming `password` if wrong; failures throttled like sign-ins:
    /// `RATE_LIMITED`; one credential check per request). Erased with it: everything the
    /// viewer owns (career record, profile, postings, applications, resumes, exports and their
    /// files, contacts, notifications, memberships, sessions). Every session ends: its refresh
    /// tokens fail and its access tokens are refused at once on every server copy (open
    /// WebSockets close with 4403). What remains is the audit log's entries, with the viewer
    /// replaced by a pseudonym (a random id linked to nobody) and the values of their own
    /// data's changes erased; organisations keep their records (a candidate they added, an
    /// interview) without the link to the account. Cannot be undone: request a data export
    /// first (`requestDataExport`).
    async fn delete_account(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `DeleteAccountInput`. Every field is checked before anything is written."
        )]
        input: DeleteAccountInput,
    ) -> AppResult<crate::graphql::DeletePayload> {
        let me = viewer(ctx)?;
        let services = services(ctx);
        let deleted = super::delete_account(
            &services.pool,
            &services.keys,
            ctx.data_unchecked::<SignInThrottle>(),
            me.principal(),
            input.password,
        )
        .await?;
        Ok(crate::graphql::DeletePayload {
            deleted_id: NodeType::User.id(deleted),
        })
    }

    /// Deactivates an account (platform admins only; `FORBIDDEN` for anyone else, and
    /// `BAD_USER_INPUT` for one's own account): it can no longer sign in (`ACCOUNT_DISABLED`
    /// for the right password), its sessions are revoked, its access tokens and WebSockets are
    /// refused at once on every server copy, and organisations stop seeing the career record
    /// it shared until it is reactivated. Nothing is deleted. `NOT_FOUND` if there is no such
    /// account; deactivating a deactivated account changes nothing more.
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's `id` (a `User` id).")] input: IdInput,
    ) -> AppResult<AccountStatePayload> {
        change_account_state(ctx, input, false).await
    }

    /// Reactivates a deactivated account (platform admins only; `FORBIDDEN` for anyone else):
    /// it may sign in again and organisations it shared its record with see it again. Its old
    /// sessions stay revoked. `NOT_FOUND` if there is no such account.
    async fn reactivate_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's `id` (a `User` id).")] input: IdInput,
    ) -> AppResult<AccountStatePayload> {
        change_account_state(ctx, input, true).await
    }
}
