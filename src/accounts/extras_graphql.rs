//! The mutations and query of the account extras (`extras.rs`): username, terms, settings.

use async_graphql::{Context, InputObject, Object, SimpleObject};

use super::extras::{
    SettingsChanges, TERMS_VERSION, UserSettings, accept_terms_of, checked_username, save_settings,
    set_username_of, terms_version_of,
};
use super::graphql::User;
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::AppResult;
use crate::validate;

/// Changes to the viewer's settings: a field left out stays as it is.
#[derive(InputObject)]
pub struct UpdateSettingsInput {
    /// 5 to 480 minutes.
    pub default_assessment_duration_minutes: Option<i32>,
    /// Whether a new assessment form starts with the questionnaire on.
    pub questionnaire_enabled_by_default: Option<bool>,
    /// Whether a new assessment form starts with the interview on.
    pub interview_enabled_by_default: Option<bool>,
    /// Whether to send notifications by email as well.
    pub email_notifications: Option<bool>,
}

/// What `updateSettings` answers.
#[derive(SimpleObject)]
pub struct UpdateSettingsPayload {
    /// The settings as they now are.
    pub settings: UserSettings,
}

/// The viewer's new username.
#[derive(InputObject)]
pub struct SetUsernameInput {
    /// 3 to 30 letters, digits, `.`, `_` or `-`, starting with a letter or digit; kept in the
    /// letter case given. `null` removes the username.
    pub username: Option<String>,
}

/// Accepts the terms of service.
#[derive(InputObject)]
pub struct AcceptTermsInput {
    /// The version of the terms the user was shown (1 to 50 characters); omitted, the server's
    /// current one (`termsVersion`).
    pub terms_version: Option<String>,
}

/// The account after a change.
#[derive(SimpleObject)]
pub struct AccountPayload {
    /// The account as it now is.
    pub user: User,
}

#[derive(Default)]
pub struct AccountExtrasQuery;

#[Object]
impl AccountExtrasQuery {
    /// The version of the terms of service that sign-up (`acceptTerms`) accepts now; readable
    /// without a token, for the sign-up form.
    async fn terms_version(&self) -> &'static str {
        TERMS_VERSION
    }
}

#[derive(Default)]
pub struct AccountExtrasMutation;

#[Object]
impl AccountExtrasMutation {
    /// Sets or removes the viewer's username. `CONFLICT` when another account holds it in any
    /// letter case; `BAD_USER_INPUT` naming `username` when it is not a valid one.
    async fn set_username(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `SetUsernameInput`. Every field is checked before anything is written."
        )]
        input: SetUsernameInput,
    ) -> AppResult<AccountPayload> {
        let who = viewer(ctx)?.principal();
        let username = input.username.as_deref().map(checked_username).transpose()?;
        let mut conn = services(ctx).pool.get().await?;
        let row = set_username_of(&mut conn, who, username.as_deref()).await?;
        Ok(AccountPayload { user: User(row) })
    }

    /// Records that the viewer accepts the terms of service now (an account from before terms
    /// were recorded, or new terms); the time and version replace any earlier acceptance.
    async fn accept_terms(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `AcceptTermsInput`. Every field is checked before anything is written."
        )]
        input: AcceptTermsInput,
    ) -> AppResult<AccountPayload> {
        let who = viewer(ctx)?.principal();
        let version = match input.terms_version {
            Some(version) => terms_version_of(&version)?,
            None => TERMS_VERSION.to_owned(),
        };
        let mut conn = services(ctx).pool.get().await?;
        let row = accept_terms_of(&mut conn, who, &version).await?;
        Ok(AccountPayload { user: User(row) })
    }

    /// Changes the viewer's settings; a field left out stays as it is. `BAD_USER_INPUT` naming
    /// the field for a value out of range.
    async fn update_settings(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateSettingsInput`. Every field is checked before anything is written."
        )]
        input: UpdateSettingsInput,
    ) -> AppResult<UpdateSettingsPayload> {
        let who = viewer(ctx)?.principal();
        let changes = SettingsChanges {
            default_assessment_minutes: input
                .default_assessment_duration_minutes
                .map(|minutes| validate::int_in("defaultAssessmentDurationMinutes", minutes, 5..=480))
                .transpose()?,
            questionnaire_enabled: input.questionnaire_enabled_by_default,
            interview_enabled: input.interview_enabled_by_default,
            email_notifications: input.email_notifications,
        };
        let mut conn = services(ctx).pool.get().await?;
        let row = save_settings(&mut conn, who, &changes).await?;
        Ok(UpdateSettingsPayload {
            settings: Some(row).into(),
        })
    }
}
