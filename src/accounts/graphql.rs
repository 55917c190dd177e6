//! GraphQL for accounts: `User`, the viewer, and the session mutations.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel::QueryResult;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::store::{self, UserRole, UserRow};
use super::throttle::SignInThrottle;
use crate::access::Principal;
use crate::applications::graphql::{Application, ApplicationFilter, ApplicationOrder, applications_of};
use crate::career::graphql as career;
use crate::career::model::{Education, Project, Strength};
use crate::evaluation::enums::InterviewStatus;
use crate::evaluation::graphql::{Interview, interviews_of};
use crate::graphql::connection::{Conn, PageArgs};
use crate::graphql::context::{act_as, services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::NodeType;
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
pub const CREDENTIAL_FIELDS: &[&str] = &["signIn", "signUp", "refreshSession"];

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

    /// How many times the user has signed in (sign-up counts as the first).
    async fn login_count(&self) -> i32 {
        self.0.login_count
    }

    /// When the user last signed in.
    async fn last_login_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_login_at
    }

    /// When the account was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
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

/// Email and password, for signing up or in.
#[derive(InputObject)]
pub struct CredentialsInput {
    /// Any case; stored in lower case.
    pub email: EmailAddress,
    /// 8 to 256 characters.
    pub password: String,
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
    /// Opaque, single-use token that `refreshSession` trades for a new session. Keep it secret:
    /// using one twice revokes every session descended from the same sign-in.
    pub refresh_token: String,
    /// The signed-in user.
    pub user: User,
}

/// The result of `signOut`.
#[derive(SimpleObject)]
pub struct SignOutPayload {
    /// Always true: after this call the session's refresh tokens no longer work.
    pub signed_out: bool,
}

/// The payload of a new session; the rest of the request acts as its user.
fn signed_in(ctx: &Context<'_>, session: super::Session) -> AuthPayload {
    act_as(ctx, session.user.id);
    AuthPayload {
        access_token: session.access_token,
        refresh_token: session.refresh_token,
        user: User(session.user),
    }
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
    /// Creates an account (with an empty candidate profile) and signs it in.
    /// `CONFLICT` if the email is taken in any letter case.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `CredentialsInput`. Every field is checked before anything is written."
        )]
        input: CredentialsInput,
    ) -> AppResult<AuthPayload> {
        let services = services(ctx);
        let session = super::sign_up(&services.pool, &services.keys, &input.email, input.password).await?;
        Ok(signed_in(ctx, session))
    }

    /// Signs in. A wrong email and a wrong password get the same `UNAUTHENTICATED` answer.
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

    /// Ends the session the refresh token belongs to. Access tokens already issued stay valid
    /// until they expire (minutes).
    async fn sign_out(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `RefreshTokenInput`. Every field is checked before anything is written."
        )]
        input: RefreshTokenInput,
    ) -> AppResult<SignOutPayload> {
        super::sign_out(&services(ctx).pool, &input.refresh_token).await?;
        Ok(SignOutPayload { signed_out: true })
    }
}
