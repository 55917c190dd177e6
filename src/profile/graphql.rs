//! GraphQL for the candidate: `CandidateProfile`, `MbtiProfile` and their mutations.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use chrono::{DateTime, Utc};
use diesel_async::AsyncConnection;
use uuid::Uuid;

use super::mbti::{MbtiScores, MbtiType};
use super::store::{self, MbtiRow, MbtiValues, ProfileChanges, ProfileRow};
use crate::career::graphql::TechnicalReview;
use crate::db::schema::{candidate_profiles, mbti_profiles};
use crate::graphql::context::{services, viewer};
use crate::graphql::errors::{AppError, AppResult};
use crate::graphql::ids::NodeType;
use crate::graphql::present;
use crate::graphql::scalars::{EmailAddress, Url};
use crate::guarded_relation;
use crate::validate::{self, field, labels_field as list, text, url};

guarded_relation!(ProfileOfUser: candidate_profiles.user_id => ProfileRow);

guarded_relation!(ProfileById: candidate_profiles.id => ProfileRow);

guarded_relation!(MbtiOfProfile: mbti_profiles.profile_id => MbtiRow);

guarded_relation!(MbtiById: mbti_profiles.id => MbtiRow);

/// The profile of `user_id`, whose record the viewer must be allowed to read.
pub async fn profile_of(ctx: &Context<'_>, user_id: Uuid) -> AppResult<CandidateProfile> {
    viewer(ctx)?
        .loaders
        .one::<ProfileOfUser>(user_id)
        .await?
        .map(CandidateProfile)
        .ok_or(AppError::NotFound("CandidateProfile"))
}

/// The candidate profile with this id, if the viewer may read it.
pub async fn profile_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<CandidateProfile>> {
    Ok(viewer(ctx)?
        .loaders
        .one::<ProfileById>(id)
        .await?
        .map(CandidateProfile))
}

/// The MBTI profile with this id, if the viewer may read it.
pub async fn mbti_by_id(ctx: &Context<'_>, id: Uuid) -> AppResult<Option<MbtiProfile>> {
    Ok(viewer(ctx)?.loaders.one::<MbtiById>(id).await?.map(MbtiProfile))
}

pub struct CandidateProfile(pub ProfileRow);

/// The candidate's profile: who they are and what they are looking for (one per user).
#[Object]
impl CandidateProfile {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::CandidateProfile.id(self.0.id)
    }
    /// Display name.
    async fn full_name(&self) -> Option<&str> {
        self.0.full_name.as_deref()
    }
    /// Contact email (starts as the sign-in email; may differ from it).
    async fn email(&self) -> Option<&EmailAddress> {
        self.0.email.as_ref()
    }
    /// Contact phone number.
    async fn phone(&self) -> Option<&str> {
        self.0.phone.as_deref()
    }
    /// City / country.
    async fn location(&self) -> Option<&str> {
        self.0.location.as_deref()
    }
    /// One-line professional headline.
    async fn headline(&self) -> Option<&str> {
        self.0.headline.as_deref()
    }
    /// Professional summary.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// Years of professional experience, as the candidate states it.
    async fn years_experience(&self) -> Option<i32> {
        self.0.years_experience
    }
    /// LinkedIn profile (a linkedin.com URL).
    async fn linkedin_url(&self) -> Option<&Url> {
        self.0.linkedin_url.as_ref()
    }
    /// GitHub profile (a github.com URL).
    async fn github_url(&self) -> Option<&Url> {
        self.0.github_url.as_ref()
    }
    /// Portfolio or personal site.
    async fn portfolio_url(&self) -> Option<&Url> {
        self.0.portfolio_url.as_ref()
    }
    /// Nationality.
    async fn nationality(&self) -> Option<&str> {
        self.0.nationality.as_deref()
    }
    /// Roles the candidate is aiming for, in their order of preference.
    async fn target_roles(&self) -> Vec<String> {
        present(&self.0.target_roles)
    }
    /// Areas the candidate specialises in.
    async fn specializations(&self) -> Vec<String> {
        present(&self.0.specializations)
    }
    /// How the candidate presents themselves in a few words, e.g. "AI Strategy Leader" (ETPS
    /// `candidate_profile.primary_identity`; up to 200 characters); null when not set.
    async fn primary_identity(&self) -> Option<&str> {
        self.0.primary_identity.as_deref()
    }
    /// What the candidate's LinkedIn profile says (ETPS `candidate_profile.linkedin_meta`), kept
    /// to write and check it against the record.
    async fn linkedin_meta(&self) -> LinkedInMeta {
        LinkedInMeta {
            headline: self.0.headline.clone(),
            about: self.0.linkedin_about.clone(),
            top_skills: present(&self.0.linkedin_top_skills),
            open_to_work_titles: present(&self.0.open_to_work_titles),
        }
    }
    /// Whether the candidate builds AI systems (ETPS `candidate_profile.ai_systems_builder`);
    /// false until set.
    async fn ai_systems_builder(&self) -> bool {
        self.0.ai_systems_builder
    }
    /// The candidate's experiences and the skill matrix computed from them.
    async fn technical_review(&self) -> TechnicalReview {
        TechnicalReview {
            user_id: self.0.user_id,
        }
    }
    /// The MBTI profile; null until set with `updateMbtiProfile`.
    async fn mbti(&self, ctx: &Context<'_>) -> AppResult<Option<MbtiProfile>> {
        let loaded = viewer(ctx)?.loaders.one::<MbtiOfProfile>(self.0.id).await?;
        Ok(loaded.map(MbtiProfile))
    }
    /// Where to GET the profile photo (`uploadProfilePhoto`), with the reader's
    /// `Authorization: Bearer` token: a path on this server, served to whoever may read the
    /// profile. Null without a photo.
    async fn photo_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let photo = viewer(ctx)?
            .loaders
            .one::<store::PhotoOfUser>(self.0.user_id)
            .await?;
        Ok(photo.map(|photo| crate::storage::upload_path(&NodeType::UploadedDocument.id(photo.id).0)))
    }
    /// The profile photo's thumbnail (at most 256 pixels a side), served like `photoUrl`. Null
    /// without a photo.
    async fn photo_thumbnail_url(&self, ctx: &Context<'_>) -> AppResult<Option<String>> {
        let photo = viewer(ctx)?
            .loaders
            .one::<store::PhotoOfUser>(self.0.user_id)
            .await?;
        Ok(photo.map(|photo| crate::storage::thumbnail_path(&NodeType::UploadedDocument.id(photo.id).0)))
    }
    /// When the profile was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// When the profile last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// A LinkedIn profile's text, as the candidate keeps it (ETPS `linkedin_meta`).
#[derive(SimpleObject)]
pub struct LinkedInMeta {
    /// The headline: the profile's `headline` (one field, not two that could disagree).
    pub headline: Option<String>,
    /// The "About" section (up to 5,000 characters); null when not kept.
    pub about: Option<String>,
    /// The top skills shown on the profile, in its order (up to 10); empty when none.
    pub top_skills: Vec<String>,
    /// The job titles of the profile's "open to work" preferences, in its order (up to 10);
    /// empty when none.
    pub open_to_work_titles: Vec<String>,
}

pub struct MbtiProfile(pub MbtiRow);

/// The candidate's Myers–Briggs profile. Each score is the percentage (0–100) leaning towards
/// the first letter of its pair; 50 or more picks that letter.
#[Object]
impl MbtiProfile {
    /// Opaque global id.
    pub async fn id(&self) -> ID {
        NodeType::MbtiProfile.id(self.0.id)
    }
    /// The type: derived from the scores unless `manuallyOverridden`.
    #[graphql(name = "type")]
    async fn mbti_type(&self) -> MbtiType {
        self.0.mbti_type
    }
    /// Introversion (vs extraversion), percent.
    async fn ie_score(&self) -> Option<i16> {
        self.0.ie_score
    }
    /// Intuition (vs sensing), percent.
    async fn ns_score(&self) -> Option<i16> {
        self.0.ns_score
    }
    /// Thinking (vs feeling), percent.
    async fn tf_score(&self) -> Option<i16> {
        self.0.tf_score
    }
    /// Judging (vs perceiving), percent.
    async fn jp_score(&self) -> Option<i16> {
        self.0.jp_score
    }
    /// True when the type was set directly rather than derived from the scores.
    async fn manually_overridden(&self) -> bool {
        self.0.manually_overridden
    }
    /// When the MBTI profile last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
}

/// Fields of the profile to change. Leave a field out to keep it, send null to clear it.
#[derive(InputObject, Default)]
pub struct UpdateProfileInput {
    /// Up to 200 characters.
    pub full_name: MaybeUndefined<String>,
    /// A valid email address.
    pub email: MaybeUndefined<EmailAddress>,
    /// Digits with optional +, spaces, dots, dashes, parentheses; 5 to 20 digits.
    pub phone: MaybeUndefined<String>,
    /// Up to 200 characters.
    pub location: MaybeUndefined<String>,
    /// Up to 200 characters.
    pub headline: MaybeUndefined<String>,
    /// Up to 5,000 characters.
    pub summary: MaybeUndefined<String>,
    /// 0 to 80.
    pub years_experience: MaybeUndefined<i32>,
    /// An http(s) URL on linkedin.com.
    pub linkedin_url: MaybeUndefined<Url>,
    /// An http(s) URL on github.com.
    pub github_url: MaybeUndefined<Url>,
    /// Any http(s) URL.
    pub portfolio_url: MaybeUndefined<Url>,
    /// Up to 100 characters.
    pub nationality: MaybeUndefined<String>,
    /// Up to 20 roles of up to 100 characters; duplicates are dropped. Null clears the list.
    pub target_roles: MaybeUndefined<Vec<String>>,
    /// Up to 30 entries of up to 100 characters; duplicates are dropped. Null clears the list.
    pub specializations: MaybeUndefined<Vec<String>>,
    /// Whether the candidate builds AI systems. Left out: unchanged.
    pub ai_systems_builder: Option<bool>,
    /// Up to 200 characters, e.g. "AI Strategy Leader". Left out: unchanged; `null` clears it.
    pub primary_identity: MaybeUndefined<String>,
    /// LinkedIn's "About" section, up to 5,000 characters. Left out: unchanged; `null` clears it.
    pub linkedin_about: MaybeUndefined<String>,
    /// LinkedIn's top skills: up to 10 entries of up to 100 characters; duplicates are dropped.
    /// Left out: unchanged; `null` clears the list.
    pub linkedin_top_skills: MaybeUndefined<Vec<String>>,
    /// LinkedIn's "open to work" job titles: up to 10 entries of up to 100 characters;
    /// duplicates are dropped. Left out: unchanged; `null` clears the list.
    pub open_to_work_titles: MaybeUndefined<Vec<String>>,
}

impl UpdateProfileInput {
    fn into_changes(self) -> AppResult<ProfileChanges> {
        Ok(ProfileChanges {
            full_name: field(self.full_name, text("fullName", 200))?,
            email: field(self.email, |v| validate::email("email", &v))?,
            phone: field(self.phone, |v| validate::phone("phone", &v))?,
            location: field(self.location, text("location", 200))?,
            headline: field(self.headline, text("headline", 200))?,
            summary: field(self.summary, text("summary", 5000))?,
            years_experience: field(self.years_experience, |v| {
                validate::int_in("yearsExperience", v, 0..=80)
            })?,
            linkedin_url: field(self.linkedin_url, url("linkedinUrl", &["linkedin.com"]))?,
            github_url: field(self.github_url, url("githubUrl", &["github.com"]))?,
            portfolio_url: field(self.portfolio_url, url("portfolioUrl", &[]))?,
            nationality: field(self.nationality, text("nationality", 100))?,
            target_roles: list(self.target_roles, "targetRoles", 20)?,
            specializations: list(self.specializations, "specializations", 30)?,
            ai_systems_builder: self.ai_systems_builder,
            primary_identity: field(self.primary_identity, text("primaryIdentity", 200))?,
            linkedin_about: field(self.linkedin_about, text("linkedinAbout", 5000))?,
            linkedin_top_skills: list(self.linkedin_top_skills, "linkedinTopSkills", 10)?,
            open_to_work_titles: list(self.open_to_work_titles, "openToWorkTitles", 10)?,
        })
    }
}

/// The result of `updateProfile`.
#[derive(SimpleObject)]
pub struct UpdateProfilePayload {
    /// The profile after the change.
    pub profile: CandidateProfile,
}

/// Sets the MBTI profile. Scores without a type: the type is derived from the scores (all four
/// needed, counting ones already stored) and `manuallyOverridden` becomes false. A type: it is
/// kept as given and `manuallyOverridden` becomes true.
#[derive(InputObject)]
pub struct UpdateMbtiProfileInput {
    /// 0–100, percent introversion.
    pub ie_score: Option<i16>,
    /// 0–100, percent intuition.
    pub ns_score: Option<i16>,
    /// 0–100, percent thinking.
    pub tf_score: Option<i16>,
    /// 0–100, percent judging.
    pub jp_score: Option<i16>,
    /// Sets the type directly, overriding the scores.
    #[graphql(name = "type")]
    pub mbti_type: Option<MbtiType>,
}

/// The result of `updateMbtiProfile`.
#[derive(SimpleObject)]
pub struct UpdateMbtiProfilePayload {
    /// The MBTI profile after the change.
    pub mbti: MbtiProfile,
}

impl UpdateMbtiProfileInput {
    /// The row to store, given what is stored now.
    fn resolve(&self, current: Option<&MbtiRow>) -> AppResult<MbtiValues> {
        let score = |name: &str, given: Option<i16>, stored: Option<i16>| -> AppResult<Option<i16>> {
            match given {
                Some(value) => validate::int_in(name, value.into(), 0..=100).map(|_| Some(value)),
                None => Ok(stored),
            }
        };
        let ie = score("ieScore", self.ie_score, current.and_then(|c| c.ie_score))?;
        let ns = score("nsScore", self.ns_score, current.and_then(|c| c.ns_score))?;
        let tf = score("tfScore", self.tf_score, current.and_then(|c| c.tf_score))?;
        let jp = score("jpScore", self.jp_score, current.and_then(|c| c.jp_score))?;
        let scores_given = [self.ie_score, self.ns_score, self.tf_score, self.jp_score]
            .iter()
            .any(Option::is_some);
        let (mbti_type, manually_overridden) = match (self.mbti_type, current) {
            (Some(mbti_type), _) => (mbti_type, true),
            // Nothing asked to change: keep the row as it is.
            (None, Some(current)) if !scores_given => (current.mbti_type, current.manually_overridden),
            (None, _) => match (ie, ns, tf, jp) {
                (Some(ie), Some(ns), Some(tf), Some(jp)) => {
                    (MbtiScores { ie, ns, tf, jp }.derive_type(), false)
                }
                _ => {
                    let missing = [("ieScore", ie), ("nsScore", ns), ("tfScore", tf), ("jpScore", jp)]
                        .iter()
                        .find(|(_, value)| value.is_none())
                        .map_or("type", |(name, _)| *name);
                    return Err(AppError::bad_input(
                        missing,
                        "give all four scores to derive the type, or give the type",
                    ));
                }
            },
        };
        Ok(MbtiValues {
            mbti_type,
            ie_score: ie,
            ns_score: ns,
            tf_score: tf,
            jp_score: jp,
            manually_overridden,
        })
    }
}

#[derive(Default)]
pub struct ProfileMutation;

#[Object]
impl ProfileMutation {
    /// Changes any subset of the viewer's profile fields. Every given field is validated
    /// first; on any error nothing changes.
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateProfileInput`. Every field is checked before anything is written."
        )]
        input: UpdateProfileInput,
    ) -> AppResult<UpdateProfilePayload> {
        let who = viewer(ctx)?.principal();
        let changes = input.into_changes()?;
        let mut conn = services(ctx).pool.get().await?;
        let row = store::update_profile(&mut conn, who, &changes).await?;
        Ok(UpdateProfilePayload {
            profile: CandidateProfile(row),
        })
    }

    /// Sets the viewer's MBTI scores and/or type (see the input's description for the rules).
    async fn update_mbti_profile(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The mutation's arguments: see `UpdateMbtiProfileInput`. Every field is checked before anything is written."
        )]
        input: UpdateMbtiProfileInput,
    ) -> AppResult<UpdateMbtiProfilePayload> {
        let who = viewer(ctx)?.principal();
        let mut conn = services(ctx).pool.get().await?;
        let row = conn
            .transaction::<_, AppError, _>(async |conn| {
                let profile = store::profile_of(conn, who).await?;
                let current = store::lock_mbti(conn, who).await?;
                let values = input.resolve(current.as_ref())?;
                Ok(store::save_mbti(conn, who, profile.id, &values).await?)
            })
            .await?;
        Ok(UpdateMbtiProfilePayload {
            mbti: MbtiProfile(row),
        })
    }
}
