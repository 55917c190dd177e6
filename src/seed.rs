//! `careergraph seed`: deterministic, realistic data for benchmarks and demos.
//!
//! Rows are inserted in bulk, shaped exactly as the API writes them (normalised emails, the
//! profile created with the user, skills extracted from posting texts by the same extractor,
//! artifact versions assigned by the same trigger, one history event per status move). Each
//! user's data comes from a generator seeded by (seed, user number), so the same arguments give
//! the same data whatever the batch size, and running again adds only the users not yet there.

use std::collections::HashMap;

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use uuid::Uuid;

use crate::applications::enums::{ApplicationStatus, ArtifactKind};
use crate::career::enums::{BulletType, EmploymentType, Importance, StarTag};
use crate::db::DbPool;
use crate::db::schema::*;
use crate::evaluation::enums::{HiringRecommendation, InterviewMode, InterviewStatus, InterviewType};
use crate::graphql::ids::NodeType;
use crate::hiring::enums::{MemberRole, RequisitionStatus, SkillLevel};
use crate::jobs::enums::SkillSource;
use crate::jobs::extract::{PostingText, extract};
use crate::notifications::Notice;
use crate::notifications::enums::NotificationType;
use crate::pipeline::enums::CandidacyStage;
use crate::profile::mbti::MbtiScores;
use crate::skills::enums::{Proficiency, Prominence};

/// The password of every seeded user.
pub const PASSWORD: &str = "careergraph-seed";
const BATCH: usize = 25;

const FIRST_NAMES: &[&str] = &[
    "Ada",
    "Grace",
    "Alan",
    "Barbara",
    "Linus",
    "Margaret",
    "Dennis",
    "Katherine",
    "Ken",
    "Radia",
    "Tim",
    "Frances",
    "Edsger",
    "Hedy",
    "Donald",
    "Lynn",
];
const LAST_NAMES: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Turing",
    "Liskov",
    "Torvalds",
    "Hamilton",
    "Ritchie",
    "Johnson",
    "Thompson",
    "Perlman",
    "Berners-Lee",
    "Allen",
    "Dijkstra",
    "Lamarr",
    "Knuth",
    "Conway",
];
const COMPANIES: &[&str] = &[
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella Labs",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Cyberdyne",
    "Soylent",
    "Tyrell",
    "Wonka Industries",
    "Vandelay Imports",
    "Massive Dynamic",
    "Aperture Science",
    "Pied Piper",
    "Oscorp",
];
const TITLES: &[&str] = &[
    "Software Engineer",
    "Senior Software Engineer",
    "Staff Engineer",
    "Backend Engineer",
    "Data Engineer",
    "Platform Engineer",
    "Engineering Manager",
    "Frontend Engineer",
    "Site Reliability Engineer",
    "Machine Learning Engineer",
];
const CITIES: &[&str] = &[
    "London, UK",
    "Berlin, Germany",
    "Lisbon, Portugal",
    "Toronto, Canada",
    "Austin, USA",
    "Amsterdam, Netherlands",
    "Remote",
];
const SKILLS: &[&str] = &[
    "Rust",
    "Python",
    "Go",
    "TypeScript",
    "JavaScript",
    "Java",
    "Kotlin",
    "React",
    "Node.js",
    "PostgreSQL",
    "Redis",
    "Kafka",
    "Kubernetes",
    "Docker",
    "Terraform",
    "AWS",
    "Google Cloud",
    "GraphQL",
    "gRPC",
    "Apache Spark",
    "Airflow",
    "dbt",
    "Snowflake",
    "PyTorch",
    "Machine Learning",
    "Distributed Systems",
    "Microservices",
    "CI/CD",
    "Prometheus",
    "Grafana",
    "SQL",
    "Linux",
    "Leadership",
    "Mentoring",
    "Communication",
    "Agile",
];
const VERBS: &[&str] = &[
    "Led",
    "Built",
    "Designed",
    "Shipped",
    "Migrated",
    "Scaled",
    "Automated",
    "Rewrote",
    "Launched",
    "Optimised",
];
const THINGS: &[&str] = &[
    "the billing platform",
    "a real-time analytics pipeline",
    "the public API",
    "the search service",
    "our Kubernetes estate",
    "the mobile backend",
    "the data warehouse",
    "an internal developer portal",
    "the payments gateway",
    "the recommendation engine",
];
const RESULTS: &[&str] = &[
    "cutting latency by 40%",
    "saving $200k a year",
    "reducing incidents by half",
    "doubling throughput",
    "serving 10M requests a day",
    "raising conversion by 12%",
    "with zero downtime",
    "ahead of schedule",
];

/// What one run made.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub users: usize,
    pub skipped: usize,
    pub experiences: usize,
    pub bullets: usize,
    pub job_postings: usize,
    pub applications: usize,
    pub artifacts: usize,
    /// The hiring side (made once per seed): organisations, requisitions, candidacies,
    /// interviews, feedback and notifications.
    pub organizations: usize,
    pub requisitions: usize,
    pub candidacies: usize,
    pub interviews: usize,
    pub feedback: usize,
    pub notifications: usize,
}

fn day(rng: &mut StdRng, from_year: i32, to_year: i32) -> NaiveDate {
    let year = rng.random_range(from_year..=to_year);
    NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), 1).unwrap_or_default()
}

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

fn sentence(rng: &mut StdRng) -> String {
    format!(
        "{} {} {}.",
        pick(rng, VERBS),
        pick(rng, THINGS),
        pick(rng, RESULTS)
    )
}

fn posting_text(rng: &mut StdRng) -> (String, String) {
    let mut skills: Vec<&str> = SKILLS.to_vec();
    skills.shuffle(rng);
    let must = &skills[..rng.random_range(3..7)];
    let nice = &skills[7..rng.random_range(8..11)];
    let description = format!(
        "About the role\nWe are hiring to help us scale {}. You will work across the stack with a small, senior team.\n\nRequirements:\n- Strong experience with {}.\n- You care about quality, reliability and clear communication.\n\nWhat you'll do:\n- {}\n- {}",
        pick(rng, THINGS),
        must.join(", "),
        sentence(rng),
        sentence(rng)
    );
    (
        description,
        format!("Experience with {} is a plus.", nice.join(" or ")),
    )
}

#[derive(Insertable)]
#[diesel(table_name = experiences)]
struct SeedExperience {
    id: Uuid,
    user_id: Uuid,
    company_name: String,
    job_title: String,
    employment_type: EmploymentType,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    summary: String,
    sort_order: i32,
}

#[derive(Insertable)]
#[diesel(table_name = bullets)]
struct SeedBullet {
    id: Uuid,
    user_id: Uuid,
    experience_id: Uuid,
    engagement_id: Option<Uuid>,
    text: String,
    bullet_type: BulletType,
    importance: Importance,
    sort_order: i32,
}

#[derive(Insertable)]
#[diesel(table_name = job_postings)]
struct SeedPosting {
    id: Uuid,
    user_id: Uuid,
    company_name: String,
    job_title: String,
    location: String,
    remote_ok: bool,
    description: String,
    nice_to_haves: String,
}

#[derive(Insertable)]
#[diesel(table_name = applications)]
struct SeedApplication {
    id: Uuid,
    user_id: Uuid,
    job_posting_id: Uuid,
    status: ApplicationStatus,
    applied_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Everything one user's generator decided, as rows.
#[derive(Default)]
struct Rows {
    users: Vec<(Uuid, String)>,
    profiles: Vec<(Uuid, Uuid, String, String, String, String, i32)>,
    mbti: Vec<(Uuid, Uuid, Uuid, String, [i16; 4])>,
    experiences: Vec<SeedExperience>,
    experience_skills: Vec<(Uuid, Uuid, Uuid, Uuid, Prominence)>,
    engagements: Vec<(Uuid, Uuid, Uuid, String, String, i32)>,
    projects: Vec<(Uuid, Uuid, Uuid, String, String, String, i32)>,
    project_skills: Vec<(Uuid, Uuid, Uuid)>,
    stories: Vec<(Uuid, Uuid, Uuid, String, Vec<StarTag>)>,
    bullets: Vec<SeedBullet>,
    education: Vec<(Uuid, Uuid, String, String, NaiveDate, NaiveDate)>,
    candidate_skills: Vec<(Uuid, Uuid, Uuid, Proficiency, i32, bool)>,
    postings: Vec<SeedPosting>,
    posting_skills: Vec<(Uuid, Uuid, Uuid, Uuid, crate::jobs::enums::SkillImportance)>,
    applications: Vec<SeedApplication>,
    events: Vec<(Uuid, Uuid, Uuid, Option<ApplicationStatus>, ApplicationStatus)>,
    artifacts: Vec<(Uuid, Uuid, Uuid, ArtifactKind, String, i32)>,
}

fn generate(
    rows: &mut Rows,
    seed: u64,
    number: usize,
    email: String,
    skill_ids: &HashMap<&str, Uuid>,
    catalog: &[crate::jobs::extract::CatalogSkill],
) {
    let mut rng = StdRng::seed_from_u64(seed.wrapping_mul(1_000_003).wrapping_add(number as u64));
    let user = Uuid::now_v7();
    rows.users.push((user, email.clone()));
    let name = format!("{} {}", pick(&mut rng, FIRST_NAMES), pick(&mut rng, LAST_NAMES));
    let profile = Uuid::now_v7();
    rows.profiles.push((
        profile,
        user,
        name,
        email,
        pick(&mut rng, CITIES).to_owned(),
        pick(&mut rng, TITLES).to_owned(),
        rng.random_range(2..25),
    ));
    let scores = [
        rng.random_range(0..=100),
        rng.random_range(0..=100),
        rng.random_range(0..=100),
        rng.random_range(0..=100),
    ];
    let mbti = MbtiScores {
        ie: scores[0],
        ns: scores[1],
        tf: scores[2],
        jp: scores[3],
    }
    .derive_type();
    rows.mbti
        .push((Uuid::now_v7(), user, profile, mbti.as_str().to_owned(), scores));
    let skill = |name: &str| skill_ids.get(name).copied();

    let mut experience_ids = Vec::new();
    let mut year = 2025;
    for position in 0..rng.random_range(5..=15) {
        let id = Uuid::now_v7();
        let consulting = rng.random_bool(0.2);
        let kind = if consulting {
            EmploymentType::IndependentConsulting
        } else {
            *[
                EmploymentType::FullTime,
                EmploymentType::Contract,
                EmploymentType::PartTime,
            ]
            .choose(&mut rng)
            .unwrap_or(&EmploymentType::FullTime)
        };
        let length = rng.random_range(1..=3);
        let start = NaiveDate::from_ymd_opt(year - length, rng.random_range(1..=12), 1).unwrap_or_default();
        let end = (position > 0)
            .then(|| NaiveDate::from_ymd_opt(year, rng.random_range(1..=12), 1).unwrap_or_default())
            .filter(|end| *end >= start);
        year -= length;
        rows.experiences.push(SeedExperience {
            id,
            user_id: user,
            company_name: pick(&mut rng, COMPANIES).to_owned(),
            job_title: pick(&mut rng, TITLES).to_owned(),
            employment_type: kind,
            start_date: start,
            end_date: end,
            summary: sentence(&mut rng),
            sort_order: position,
        });
        experience_ids.push(id);
        let mut names = SKILLS.to_vec();
        names.shuffle(&mut rng);
        for (i, name) in names.iter().take(rng.random_range(2..6)).enumerate() {
            if let Some(skill_id) = skill(name) {
                let prominence =
                    [Prominence::Primary, Prominence::Secondary, Prominence::Mentioned][i.min(2)];
                rows.experience_skills
                    .push((Uuid::now_v7(), user, id, skill_id, prominence));
            }
        }
        let engagement = consulting.then(|| {
            let engagement = Uuid::now_v7();
            rows.engagements.push((
                engagement,
                user,
                id,
                pick(&mut rng, COMPANIES).to_owned(),
                pick(&mut rng, THINGS).to_owned(),
                0,
            ));
            engagement
        });
        for order in 0..rng.random_range(1..=5) {
            let project = Uuid::now_v7();
            rows.projects.push((
                project,
                user,
                id,
                format!("Project {}", pick(&mut rng, THINGS)),
                sentence(&mut rng),
                pick(&mut rng, RESULTS).to_owned(),
                order,
            ));
            for name in names.iter().skip(order as usize).take(2) {
                if let Some(skill_id) = skill(name) {
                    rows.project_skills.push((project, skill_id, user));
                }
            }
        }
        for _ in 0..rng.random_range(1..=4) {
            let mut tags = StarTag::ALL.to_vec();
            tags.shuffle(&mut rng);
            rows.stories
                .push((Uuid::now_v7(), user, id, sentence(&mut rng), tags[..2].to_vec()));
        }
        for order in 0..rng.random_range(3..=8) {
            let kind = *[
                BulletType::Achievement,
                BulletType::Responsibility,
                BulletType::MetricImpact,
            ]
            .choose(&mut rng)
            .unwrap_or(&BulletType::Achievement);
            let importance = *[Importance::High, Importance::Medium, Importance::Low]
                .choose(&mut rng)
                .unwrap_or(&Importance::Medium);
            rows.bullets.push(SeedBullet {
                id: Uuid::now_v7(),
                user_id: user,
                experience_id: id,
                engagement_id: engagement.filter(|_| order == 0),
                text: sentence(&mut rng),
                bullet_type: kind,
                importance,
                sort_order: order,
            });
        }
    }
    let graduated = day(&mut rng, 2000, 2015);
    rows.education.push((
        Uuid::now_v7(),
        user,
        pick(
            &mut rng,
            &[
                "MIT",
                "ETH Zurich",
                "Imperial College London",
                "University of Toronto",
                "TU Munich",
            ],
        )
        .to_owned(),
        "BSc Computer Science".to_owned(),
        graduated - Duration::days(4 * 365),
        graduated,
    ));
    let mut names = SKILLS.to_vec();
    names.shuffle(&mut rng);
    for (i, name) in names
        .iter()
        .take(rng.random_range(10..=SKILLS.len().min(40)))
        .enumerate()
    {
        if let Some(skill_id) = skill(name) {
            let proficiency = *Proficiency::ALL
                .choose(&mut rng)
                .unwrap_or(&Proficiency::Intermediate);
            rows.candidate_skills.push((
                Uuid::now_v7(),
                user,
                skill_id,
                proficiency,
                rng.random_range(1..12),
                i < 5,
            ));
        }
    }

    for _ in 0..rng.random_range(5..=30) {
        let posting = Uuid::now_v7();
        let (description, nice) = posting_text(&mut rng);
        let found = extract(
            catalog,
            &PostingText {
                description: &description,
                responsibilities: None,
                requirements: None,
                nice_to_haves: Some(&nice),
            },
        );
        let mut found: Vec<_> = found.into_iter().collect();
        found.sort_by_key(|(skill_id, _)| *skill_id);
        for (skill_id, importance) in found {
            rows.posting_skills
                .push((Uuid::now_v7(), user, posting, skill_id, importance));
        }
        rows.postings.push(SeedPosting {
            id: posting,
            user_id: user,
            company_name: pick(&mut rng, COMPANIES).to_owned(),
            job_title: pick(&mut rng, TITLES).to_owned(),
            location: pick(&mut rng, CITIES).to_owned(),
            remote_ok: rng.random_bool(0.4),
            description,
            nice_to_haves: nice,
        });
        if rng.random_bool(0.6) {
            let application = Uuid::now_v7();
            let status = *ApplicationStatus::ALL
                .choose(&mut rng)
                .unwrap_or(&ApplicationStatus::Draft);
            let path = path_to(status);
            let applied = path
                .contains(&ApplicationStatus::Submitted)
                .then(chrono::Utc::now);
            rows.applications.push(SeedApplication {
                id: application,
                user_id: user,
                job_posting_id: posting,
                status,
                applied_at: applied,
            });
            let mut from = None;
            for step in path {
                rows.events.push((Uuid::now_v7(), user, application, from, step));
                from = Some(step);
            }
            if status != ApplicationStatus::Draft {
                for _ in 0..rng.random_range(1..=3) {
                    let content = (0..rng.random_range(8..20))
                        .map(|_| sentence(&mut rng))
                        .collect::<Vec<_>>()
                        .join("\n");
                    let words = content.split_whitespace().count() as i32;
                    rows.artifacts.push((
                        Uuid::now_v7(),
                        user,
                        application,
                        ArtifactKind::Cv,
                        content,
                        words,
                    ));
                }
                if rng.random_bool(0.5) {
                    let content = format!(
                        "Dear hiring team,\n{}\n{}\nKind regards",
                        sentence(&mut rng),
                        sentence(&mut rng)
                    );
                    let words = content.split_whitespace().count() as i32;
                    rows.artifacts.push((
                        Uuid::now_v7(),
                        user,
                        application,
                        ArtifactKind::CoverLetter,
                        content,
                        words,
                    ));
                }
            }
        }
    }
}

/// The statuses an application passes through to reach `status`, from DRAFT.
fn path_to(status: ApplicationStatus) -> Vec<ApplicationStatus> {
    use ApplicationStatus::*;
    let pipeline = [
        Draft,
        Generated,
        Submitted,
        Screening,
        Interviewing,
        Offer,
        Accepted,
    ];
    match pipeline.iter().position(|s| *s == status) {
        Some(index) => pipeline[..=index].to_vec(),
        // Closed early: after a stretch of the pipeline that depends on the status.
        None => {
            let stop = if status == Rejected { 3 } else { 2 };
            pipeline[..stop].iter().copied().chain([status]).collect()
        }
    }
}

macro_rules! insert_chunks {
    ($conn:expr, $table:ident, $rows:expr, |$row:ident| $values:expr) => {
        for chunk in $rows.chunks(1000) {
            let values: Vec<_> = chunk.iter().map(|$row| $values).collect();
            diesel::insert_into($table::table)
                .values(values)
                .execute($conn)
                .await?;
        }
    };
}

macro_rules! insert_all {
    ($conn:expr, $table:ident, $rows:expr) => {
        for chunk in $rows.chunks(1000) {
            diesel::insert_into($table::table)
                .values(chunk)
                .execute($conn)
                .await?;
        }
    };
}

async fn write(conn: &mut AsyncPgConnection, rows: &Rows, password_hash: &str) -> QueryResult<()> {
    insert_chunks!(conn, users, rows.users, |r| (
        users::id.eq(r.0),
        users::email.eq(&r.1),
        users::password_hash.eq(password_hash)
    ));
    insert_chunks!(conn, candidate_profiles, rows.profiles, |r| (
        candidate_profiles::id.eq(r.0),
        candidate_profiles::user_id.eq(r.1),
        candidate_profiles::full_name.eq(&r.2),
        candidate_profiles::email.eq(&r.3),
        candidate_profiles::location.eq(&r.4),
        candidate_profiles::headline.eq(&r.5),
        candidate_profiles::years_experience.eq(r.6)
    ));
    insert_chunks!(conn, mbti_profiles, rows.mbti, |r| (
        mbti_profiles::id.eq(r.0),
        mbti_profiles::user_id.eq(r.1),
        mbti_profiles::profile_id.eq(r.2),
        mbti_profiles::mbti_type.eq(&r.3),
        mbti_profiles::ie_score.eq(r.4[0]),
        mbti_profiles::ns_score.eq(r.4[1]),
        mbti_profiles::tf_score.eq(r.4[2]),
        mbti_profiles::jp_score.eq(r.4[3])
    ));
    insert_all!(conn, experiences, rows.experiences);
    insert_chunks!(conn, experience_skills, rows.experience_skills, |r| (
        experience_skills::id.eq(r.0),
        experience_skills::user_id.eq(r.1),
        experience_skills::experience_id.eq(r.2),
        experience_skills::skill_id.eq(r.3),
        experience_skills::prominence.eq(r.4.as_str())
    ));
    insert_chunks!(conn, engagements, rows.engagements, |r| (
        engagements::id.eq(r.0),
        engagements::user_id.eq(r.1),
        engagements::experience_id.eq(r.2),
        engagements::client.eq(&r.3),
        engagements::project_name.eq(&r.4),
        engagements::sort_order.eq(r.5)
    ));
    insert_chunks!(conn, projects, rows.projects, |r| (
        projects::id.eq(r.0),
        projects::user_id.eq(r.1),
        projects::experience_id.eq(r.2),
        projects::name.eq(&r.3),
        projects::description.eq(&r.4),
        projects::impact_metric.eq(&r.5),
        projects::sort_order.eq(r.6)
    ));
    insert_chunks!(conn, project_skills, rows.project_skills, |r| (
        project_skills::project_id.eq(r.0),
        project_skills::skill_id.eq(r.1),
        project_skills::user_id.eq(r.2)
    ));
    insert_chunks!(conn, star_stories, rows.stories, |r| (
        star_stories::id.eq(r.0),
        star_stories::user_id.eq(r.1),
        star_stories::experience_id.eq(r.2),
        star_stories::situation.eq(&r.3),
        star_stories::task.eq("Deliver it."),
        star_stories::action.eq("Planned, built and measured."),
        star_stories::result.eq(&r.3),
        star_stories::tags.eq(r.4.iter().map(|t| t.as_str()).collect::<Vec<_>>())
    ));
    insert_all!(conn, bullets, rows.bullets);
    insert_chunks!(conn, education, rows.education, |r| (
        education::id.eq(r.0),
        education::user_id.eq(r.1),
        education::institution_name.eq(&r.2),
        education::degree.eq(&r.3),
        education::start_date.eq(r.4),
        education::end_date.eq(r.5)
    ));
    insert_chunks!(conn, candidate_skills, rows.candidate_skills, |r| (
        candidate_skills::id.eq(r.0),
        candidate_skills::user_id.eq(r.1),
        candidate_skills::skill_id.eq(r.2),
        candidate_skills::proficiency.eq(r.3.as_str()),
        candidate_skills::years_experience.eq(r.4),
        candidate_skills::is_featured.eq(r.5)
    ));
    insert_all!(conn, job_postings, rows.postings);
    insert_chunks!(conn, job_posting_skills, rows.posting_skills, |r| (
        job_posting_skills::id.eq(r.0),
        job_posting_skills::user_id.eq(r.1),
        job_posting_skills::job_posting_id.eq(r.2),
        job_posting_skills::skill_id.eq(r.3),
        job_posting_skills::importance.eq(r.4.as_str()),
        job_posting_skills::source.eq(SkillSource::Extracted.as_str())
    ));
    insert_all!(conn, applications, rows.applications);
    insert_chunks!(conn, application_status_events, rows.events, |r| (
        application_status_events::id.eq(r.0),
        application_status_events::user_id.eq(r.1),
        application_status_events::application_id.eq(r.2),
        application_status_events::from_status.eq(r.3.map(|s| s.as_str())),
        application_status_events::to_status.eq(r.4.as_str())
    ));
    // Versions come from the artifacts trigger, in insertion order.
    insert_chunks!(conn, artifacts, rows.artifacts, |r| (
        artifacts::id.eq(r.0),
        artifacts::user_id.eq(r.1),
        artifacts::application_id.eq(r.2),
        artifacts::kind.eq(r.3.as_str()),
        artifacts::content.eq(&r.4),
        artifacts::word_count.eq(r.5),
        artifacts::version.eq(0)
    ));
    Ok(())
}

/// The email of seeded user `number`.
pub fn email(seed: u64, number: usize) -> String {
    format!("seed{seed}-user{number}@example.com")
}

/// Adds users 0..`count` of `seed` (those not there yet) with their whole record.
pub async fn seed(
    pool: &DbPool,
    count: usize,
    seed: u64,
    progress: impl Fn(&SeedReport),
) -> Result<SeedReport> {
    let mut conn = pool.get().await.context("no database connection")?;
    let password_hash = crate::accounts::password::hash(PASSWORD.to_owned())
        .await
        .map_err(|_| anyhow::anyhow!("cannot hash the seed password"))?;
    let catalog = crate::jobs::store::extraction_catalog(&mut conn, None).await?;
    let known: Vec<(Uuid, String)> = skills::table
        .filter(skills::owner_id.is_null())
        .select((skills::id, skills::name))
        .load(&mut conn)
        .await?;
    let skill_ids: HashMap<&str, Uuid> = SKILLS
        .iter()
        .filter_map(|name| known.iter().find(|(_, n)| n == name).map(|(id, _)| (*name, *id)))
        .collect();
    let existing: Vec<String> = users::table
        .filter(users::email.like(format!("seed{seed}-user%@example.com")))
        .select(users::email)
        .load(&mut conn)
        .await?;
    let mut report = SeedReport::default();
    let todo: Vec<usize> = (0..count)
        .filter(|n| !existing.contains(&email(seed, *n)))
        .collect();
    report.skipped = count - todo.len();
    for batch in todo.chunks(BATCH) {
        let mut rows = Rows::default();
        for number in batch {
            generate(
                &mut rows,
                seed,
                *number,
                email(seed, *number),
                &skill_ids,
                &catalog,
            );
        }
        conn.transaction::<_, diesel::result::Error, _>(async |conn| {
            write(conn, &rows, &password_hash).await
        })
        .await?;
        report.users += rows.users.len();
        report.experiences += rows.experiences.len();
        report.bullets += rows.bullets.len();
        report.job_postings += rows.postings.len();
        report.applications += rows.applications.len();
        report.artifacts += rows.artifacts.len();
        progress(&report);
    }
    seed_hiring(&mut conn, seed, &password_hash, &skill_ids, &catalog, &mut report).await?;
    Ok(report)
}

/// The slug of seeded organisation `number`.
pub fn organization_slug(seed: u64, number: usize) -> String {
    format!("seed{seed}-org{number}")
}

/// The email of a seeded organisation's staff member (`role`: admin, recruiter, interviewer,
/// manager).
pub fn staff_email(seed: u64, organization: usize, role: &str) -> String {
    format!("seed{seed}-org{organization}-{role}@example.com")
}

const ORGANIZATIONS: usize = 2;
/// Seeded users who apply to the first organisation's open requisition.
const APPLICANTS: i64 = 3;
/// The staff of each organisation: an admin, a recruiter, an interviewer and a hiring manager
/// (an interviewer by role).
const STAFF: [(&str, MemberRole); 4] = [
    ("admin", MemberRole::Admin),
    ("recruiter", MemberRole::Recruiter),
    ("interviewer", MemberRole::Interviewer),
    ("manager", MemberRole::Interviewer),
];

/// Ids of one seeded organisation's staff: users and members, in [`STAFF`] order.
struct Staff {
    users: [Uuid; 4],
    members: [Uuid; 4],
}

impl Staff {
    fn recruiter(&self) -> (Uuid, Uuid) {
        (self.users[1], self.members[1])
    }
}

/// The stages a candidacy passes through to reach `stage`, from APPLIED.
fn stages_to(stage: CandidacyStage) -> Vec<CandidacyStage> {
    use CandidacyStage::*;
    let pipeline = [Applied, Screening, Assessment, Interviewing, Offer, Hired];
    match pipeline.iter().position(|s| *s == stage) {
        Some(index) => pipeline[..=index].to_vec(),
        None if stage == Rejected => vec![Applied, Screening, Rejected],
        None => vec![Applied, Withdrawn],
    }
}

/// The hiring side, once per seed: organisations with staff in every role, a requisition in
/// every status, candidacies in every stage on each open requisition (the first ones by seeded
/// users who applied, with their consent, snapshot and mirrored application), interviews in
/// every status, feedback, a pending invitation and the notifications all of these send.
/// Nothing is added when the first organisation is there already.
async fn seed_hiring(
    conn: &mut AsyncPgConnection,
    seed: u64,
    password_hash: &str,
    skill_ids: &HashMap<&str, Uuid>,
    catalog: &[crate::jobs::extract::CatalogSkill],
    report: &mut SeedReport,
) -> QueryResult<()> {
    let there: i64 = organizations::table
        .filter(organizations::slug.eq(organization_slug(seed, 0)))
        .count()
        .get_result(conn)
        .await?;
    if there > 0 {
        return Ok(());
    }
    let applicants: Vec<(Uuid, String)> = users::table
        .filter(users::email.like(format!("seed{seed}-user%@example.com")))
        .order(users::email)
        .limit(APPLICANTS)
        .select((users::id, users::email))
        .load(conn)
        .await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0x4849_5249_4e47);
    conn.transaction::<_, diesel::result::Error, _>(async |conn| {
        let mut notices = Vec::new();
        for (number, company) in COMPANIES.iter().enumerate().take(ORGANIZATIONS) {
            let staff = seed_organization(conn, seed, number, password_hash, &mut rng).await?;
            report.organizations += 1;
            let open = seed_requisitions(conn, number, &staff, skill_ids, &mut rng, report).await?;
            let organization = open.0;
            let mine = if number == 0 { applicants.as_slice() } else { &[] };
            seed_candidacies(
                conn,
                seed,
                number,
                open,
                &staff,
                mine,
                catalog,
                &mut rng,
                report,
                &mut notices,
            )
            .await?;
            // An invitation waiting for a seeded user, who is told of it.
            if let Some((invitee, email)) = <[_]>::first(&applicants) {
                let invitation = Uuid::now_v7();
                let token_hash: [u8; 32] = rng.random();
                diesel::insert_into(organization_invitations::table)
                    .values((
                        organization_invitations::id.eq(invitation),
                        organization_invitations::organization_id.eq(organization),
                        organization_invitations::email.eq(email),
                        organization_invitations::role.eq(MemberRole::Interviewer),
                        organization_invitations::token_hash.eq(token_hash.to_vec()),
                        organization_invitations::invited_by.eq(staff.users[0]),
                        organization_invitations::expires_at.eq(chrono::Utc::now() + Duration::days(14)),
                    ))
                    .execute(conn)
                    .await?;
                notices.push(
                    Notice::new(
                        *invitee,
                        NotificationType::System,
                        format!("Invitation to join {company}"),
                        format!("{company} invites you to join as INTERVIEWER."),
                    )
                    .about(NodeType::OrganizationInvitation, invitation),
                );
            }
        }
        let written = crate::notifications::store::insert_notifications(conn, &notices).await?;
        report.notifications += written.len();
        // Every recipient has read their oldest notification and archived nothing else.
        diesel::sql_query(
            "update notifications n set is_read = true, read_at = now()
             where n.id in (select distinct on (user_id) id from notifications
                            where id = any($1) order by user_id, created_at, id)",
        )
        .bind::<diesel::sql_types::Array<diesel::sql_types::Uuid>, _>(
            written.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
        )
        .execute(conn)
        .await?;
        Ok(())
    })
    .await
}

async fn seed_organization(
    conn: &mut AsyncPgConnection,
    seed: u64,
    number: usize,
    password_hash: &str,
    rng: &mut StdRng,
) -> QueryResult<Staff> {
    let organization = Uuid::now_v7();
    let mut staff = Staff {
        users: [Uuid::nil(); 4],
        members: [Uuid::nil(); 4],
    };
    for (i, (role, _)) in STAFF.iter().enumerate() {
        let (user, email) = (Uuid::now_v7(), staff_email(seed, number, role));
        diesel::insert_into(users::table)
            .values((
                users::id.eq(user),
                users::email.eq(&email),
                users::password_hash.eq(password_hash),
            ))
            .execute(conn)
            .await?;
        let name = format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
        diesel::insert_into(candidate_profiles::table)
            .values((
                candidate_profiles::id.eq(Uuid::now_v7()),
                candidate_profiles::user_id.eq(user),
                candidate_profiles::full_name.eq(name),
                candidate_profiles::email.eq(&email),
            ))
            .execute(conn)
            .await?;
        staff.users[i] = user;
    }
    diesel::insert_into(organizations::table)
        .values((
            organizations::id.eq(organization),
            organizations::name.eq(COMPANIES[number]),
            organizations::slug.eq(organization_slug(seed, number)),
            organizations::website.eq(format!("https://{}.example.com", organization_slug(seed, number))),
            organizations::industry.eq("Software"),
            organizations::size_band.eq("51-200"),
            organizations::headquarters.eq(pick(rng, CITIES)),
            organizations::created_by.eq(staff.users[0]),
        ))
        .execute(conn)
        .await?;
    for (i, (_, role)) in STAFF.iter().enumerate() {
        let member = Uuid::now_v7();
        diesel::insert_into(organization_members::table)
            .values((
                organization_members::id.eq(member),
                organization_members::organization_id.eq(organization),
                organization_members::user_id.eq(staff.users[i]),
                organization_members::role.eq(*role),
            ))
            .execute(conn)
            .await?;
        staff.members[i] = member;
    }
    Ok(staff)
}

/// One requisition in every status, each requiring three catalog skills; the OPEN one (on the
/// job board, with one of its three positions filled by the HIRED candidacy) is returned.
async fn seed_requisitions(
    conn: &mut AsyncPgConnection,
    number: usize,
    staff: &Staff,
    skill_ids: &HashMap<&str, Uuid>,
    rng: &mut StdRng,
    report: &mut SeedReport,
) -> QueryResult<(Uuid, Uuid, String)> {
    let organization: Uuid = organization_members::table
        .filter(organization_members::id.eq(staff.members[0]))
        .select(organization_members::organization_id)
        .first(conn)
        .await?;
    let mut open = None;
    for status in RequisitionStatus::ALL {
        let id = Uuid::now_v7();
        let title = format!("{} ({})", pick(rng, TITLES), status.as_str());
        let published = !matches!(status, RequisitionStatus::Draft | RequisitionStatus::Cancelled);
        let (available, filled) = match status {
            RequisitionStatus::Filled => (2, 2),
            RequisitionStatus::Open => (3, 1),
            _ => (2, 0),
        };
        let (description, _) = posting_text(rng);
        diesel::insert_into(requisitions::table)
            .values((
                requisitions::id.eq(id),
                requisitions::organization_id.eq(organization),
                requisitions::title.eq(&title),
                requisitions::description.eq(description),
                requisitions::department.eq("Engineering"),
                requisitions::location.eq(pick(rng, CITIES)),
                requisitions::remote_ok.eq(rng.random_bool(0.5)),
                requisitions::employment_type.eq(EmploymentType::FullTime),
                requisitions::experience_level.eq("senior"),
                requisitions::min_experience_years.eq(3),
                requisitions::max_experience_years.eq(10),
                requisitions::min_salary.eq(70_000 + 10_000 * number as i32),
                requisitions::max_salary.eq(110_000 + 10_000 * number as i32),
                requisitions::currency.eq("EUR"),
                requisitions::positions_available.eq(available),
                requisitions::positions_filled.eq(filled),
                requisitions::hiring_manager_id.eq(staff.users[3]),
                requisitions::created_by.eq(staff.users[1]),
                requisitions::status.eq(*status),
                requisitions::is_published.eq(published),
                requisitions::published_at.eq(published.then(chrono::Utc::now)),
            ))
            .execute(conn)
            .await?;
        let mut names = SKILLS.to_vec();
        names.shuffle(rng);
        for (name, level) in names.iter().take(3).zip(SkillLevel::ALL) {
            if let Some(skill) = skill_ids.get(name) {
                diesel::insert_into(requisition_skills::table)
                    .values((
                        requisition_skills::id.eq(Uuid::now_v7()),
                        requisition_skills::organization_id.eq(organization),
                        requisition_skills::requisition_id.eq(id),
                        requisition_skills::skill_id.eq(*skill),
                        requisition_skills::level.eq(*level),
                    ))
                    .execute(conn)
                    .await?;
            }
        }
        report.requisitions += 1;
        if *status == RequisitionStatus::Open {
            open = Some((organization, id, title));
        }
    }
    open.ok_or(diesel::result::Error::NotFound)
}

/// Candidacies in every stage on the open requisition (`applicants` first, as users who
/// applied), their history, interviews in every status with their interviewers, feedback, and
/// the notices all of it sends (pushed to `notices`).
#[allow(clippy::too_many_arguments)]
async fn seed_candidacies(
    conn: &mut AsyncPgConnection,
    seed: u64,
    number: usize,
    (organization, requisition, title): (Uuid, Uuid, String),
    staff: &Staff,
    applicants: &[(Uuid, String)],
    catalog: &[crate::jobs::extract::CatalogSkill],
    rng: &mut StdRng,
    report: &mut SeedReport,
    notices: &mut Vec<Notice>,
) -> QueryResult<()> {
    let (recruiter, recruiter_member) = staff.recruiter();
    let mut day = 0;
    for (i, stage) in CandidacyStage::ALL.iter().copied().enumerate() {
        let applicant = applicants.get(i);
        let candidate = Uuid::now_v7();
        let full_name = format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES));
        let email = applicant.map_or_else(
            || format!("seed{seed}-org{number}-candidate{i}@example.com"),
            |(_, email)| email.clone(),
        );
        diesel::insert_into(candidates::table)
            .values((
                candidates::id.eq(candidate),
                candidates::organization_id.eq(organization),
                candidates::user_id.eq(applicant.map(|(user, _)| *user)),
                candidates::full_name.eq(&full_name),
                candidates::email.eq(&email),
                candidates::current_position.eq(pick(rng, TITLES)),
                candidates::location.eq(pick(rng, CITIES)),
                candidates::experience_years.eq(rng.random_range(1..20)),
                candidates::skills.eq(vec![Some(pick(rng, SKILLS)), Some(pick(rng, SKILLS))]),
                candidates::availability_percentage.eq(100),
                candidates::added_by.eq(applicant.is_none().then_some(recruiter)),
            ))
            .execute(conn)
            .await?;
        let path = stages_to(stage);
        let (application, snapshot) = match applicant {
            Some((user, _)) => {
                let application = seed_application(conn, *user, &title, &path, catalog, rng).await?;
                diesel::insert_into(record_shares::table)
                    .values((
                        record_shares::id.eq(Uuid::now_v7()),
                        record_shares::user_id.eq(*user),
                        record_shares::organization_id.eq(organization),
                    ))
                    .execute(conn)
                    .await?;
                let snapshot = crate::pipeline::store::record_snapshot(conn, *user).await?;
                (Some(application), Some(snapshot))
            }
            None => (None, None),
        };
        let candidacy = Uuid::now_v7();
        diesel::insert_into(candidacies::table)
            .values((
                candidacies::id.eq(candidacy),
                candidacies::organization_id.eq(organization),
                candidacies::candidate_id.eq(candidate),
                candidacies::requisition_id.eq(requisition),
                candidacies::stage.eq(stage),
                candidacies::cover_note.eq(applicant.map(|_| "I would love to join the team.")),
                candidacies::submitted_record.eq(snapshot),
                candidacies::application_id.eq(application),
            ))
            .execute(conn)
            .await?;
        report.candidacies += 1;
        let mut from = None;
        for step in &path {
            // Applying and withdrawing are the candidate's moves; the rest the recruiter's.
            let by_candidate =
                applicant.is_some() && *step == CandidacyStage::Applied || *step == CandidacyStage::Withdrawn;
            diesel::insert_into(candidacy_events::table)
                .values((
                    candidacy_events::id.eq(Uuid::now_v7()),
                    candidacy_events::organization_id.eq(organization),
                    candidacy_events::candidacy_id.eq(candidacy),
                    candidacy_events::actor_member_id.eq((!by_candidate).then_some(recruiter_member)),
                    candidacy_events::from_stage.eq(from),
                    candidacy_events::to_stage.eq(*step),
                ))
                .execute(conn)
                .await?;
            // The candidate hears of each move the organisation made after they applied.
            if let Some((user, _)) = applicant
                && from.is_some()
                && *step != CandidacyStage::Withdrawn
            {
                let stage = step.as_str().to_uppercase();
                let mut notice = Notice::new(
                    *user,
                    NotificationType::Application,
                    format!("Your application is at {stage}: {title}"),
                    format!(
                        "{} moved your application for {title} to {stage}.",
                        COMPANIES[number]
                    ),
                );
                if let Some(application) = application {
                    notice = notice.about(NodeType::Application, application);
                }
                notices.push(notice);
            }
            from = Some(*step);
        }
        if stage == CandidacyStage::Withdrawn {
            for user in [staff.users[0], staff.users[1], staff.users[3]] {
                notices.push(
                    Notice::new(
                        user,
                        NotificationType::Application,
                        format!("Candidate withdrew: {full_name}"),
                        format!("{full_name} withdrew their application for {title}."),
                    )
                    .about(NodeType::Candidacy, candidacy),
                );
            }
        }
        // One interview per candidacy that got that far, in every status between them.
        let status = match stage {
            CandidacyStage::Screening => Some(InterviewStatus::NoShow),
            CandidacyStage::Assessment => Some(InterviewStatus::InProgress),
            CandidacyStage::Interviewing => Some(InterviewStatus::Scheduled),
            CandidacyStage::Offer | CandidacyStage::Hired => Some(InterviewStatus::Completed),
            CandidacyStage::Rejected => Some(InterviewStatus::Cancelled),
            CandidacyStage::Applied | CandidacyStage::Withdrawn => None,
        };
        if let Some(status) = status {
            day += 1;
            let ids = (organization, candidacy, candidate, requisition);
            let manager_final = stage == CandidacyStage::Hired;
            seed_interview(
                conn,
                ids,
                (status, manager_final),
                day,
                staff,
                &full_name,
                &title,
                rng,
                report,
                notices,
            )
            .await?;
        }
    }
    Ok(())
}

/// A seeded applicant's own application for the requisition: a posting copied from it (skills
/// extracted as the API does) and the application, its status the last stage's, with history.
async fn seed_application(
    conn: &mut AsyncPgConnection,
    user: Uuid,
    title: &str,
    path: &[CandidacyStage],
    catalog: &[crate::jobs::extract::CatalogSkill],
    rng: &mut StdRng,
) -> QueryResult<Uuid> {
    let posting = Uuid::now_v7();
    let (description, nice) = posting_text(rng);
    let found = extract(
        catalog,
        &PostingText {
            description: &description,
            responsibilities: None,
            requirements: None,
            nice_to_haves: Some(&nice),
        },
    );
    let mut found: Vec<_> = found.into_iter().collect();
    found.sort_by_key(|(skill_id, _)| *skill_id);
    diesel::insert_into(job_postings::table)
        .values(SeedPosting {
            id: posting,
            user_id: user,
            company_name: "Applied through the job board".to_owned(),
            job_title: title.to_owned(),
            location: pick(rng, CITIES).to_owned(),
            remote_ok: true,
            description,
            nice_to_haves: nice,
        })
        .execute(conn)
        .await?;
    for (skill_id, importance) in found {
        diesel::insert_into(job_posting_skills::table)
            .values((
                job_posting_skills::id.eq(Uuid::now_v7()),
                job_posting_skills::user_id.eq(user),
                job_posting_skills::job_posting_id.eq(posting),
                job_posting_skills::skill_id.eq(skill_id),
                job_posting_skills::importance.eq(importance.as_str()),
                job_posting_skills::source.eq(SkillSource::Extracted.as_str()),
            ))
            .execute(conn)
            .await?;
    }
    let mut statuses = vec![ApplicationStatus::Draft];
    for stage in path {
        let status = stage.application_status();
        if statuses.last() != Some(&status) {
            statuses.push(status);
        }
    }
    let application = Uuid::now_v7();
    let status = statuses.last().copied().unwrap_or(ApplicationStatus::Draft);
    diesel::insert_into(applications::table)
        .values(SeedApplication {
            id: application,
            user_id: user,
            job_posting_id: posting,
            status,
            applied_at: Some(chrono::Utc::now()),
        })
        .execute(conn)
        .await?;
    let mut from = None;
    for step in statuses {
        diesel::insert_into(application_status_events::table)
            .values((
                application_status_events::id.eq(Uuid::now_v7()),
                application_status_events::user_id.eq(user),
                application_status_events::application_id.eq(application),
                application_status_events::from_status.eq(from.map(ApplicationStatus::as_str)),
                application_status_events::to_status.eq(step.as_str()),
            ))
            .execute(conn)
            .await?;
        from = Some(step);
    }
    Ok(application)
}

/// An interview in `status`, `day` days from now (past ones for those held), led by the
/// interviewer with the hiring manager beside; feedback for a completed one (the
/// interviewer's final, the manager's final with `manager_final` and a draft otherwise).
#[allow(clippy::too_many_arguments)]
async fn seed_interview(
    conn: &mut AsyncPgConnection,
    (organization, candidacy, candidate, requisition): (Uuid, Uuid, Uuid, Uuid),
    (status, manager_final): (InterviewStatus, bool),
    day: i64,
    staff: &Staff,
    candidate_name: &str,
    title: &str,
    rng: &mut StdRng,
    report: &mut SeedReport,
    notices: &mut Vec<Notice>,
) -> QueryResult<()> {
    let held = matches!(status, InterviewStatus::Completed | InterviewStatus::NoShow);
    let now = chrono::Utc::now();
    let scheduled_at = if held {
        now - Duration::days(day)
    } else if status == InterviewStatus::InProgress {
        now - Duration::minutes(15)
    } else {
        now + Duration::days(day)
    };
    let started_at =
        matches!(status, InterviewStatus::Completed | InterviewStatus::InProgress).then_some(scheduled_at);
    let ended_at = (status == InterviewStatus::Completed).then(|| scheduled_at + Duration::minutes(55));
    let interview = Uuid::now_v7();
    diesel::insert_into(interviews::table)
        .values((
            interviews::id.eq(interview),
            interviews::organization_id.eq(organization),
            interviews::candidacy_id.eq(candidacy),
            interviews::candidate_id.eq(candidate),
            interviews::requisition_id.eq(requisition),
            interviews::interview_type.eq(*InterviewType::ALL
                .choose(rng)
                .unwrap_or(&InterviewType::Technical)),
            interviews::interview_mode.eq(InterviewMode::Video),
            interviews::scheduled_at.eq(scheduled_at),
            interviews::duration_minutes.eq(60),
            interviews::time_zone.eq("Europe/Berlin"),
            interviews::status.eq(status),
            interviews::started_at.eq(started_at),
            interviews::ended_at.eq(ended_at),
            interviews::actual_duration_minutes.eq(ended_at.map(|_| 55)),
            interviews::preparation_notes.eq("Read the candidate's shared record first."),
            interviews::question_guide.eq("System design, then a code review."),
            interviews::meeting_link.eq("https://meet.example.com/seeded"),
            interviews::cancellation_reason
                .eq((status == InterviewStatus::Cancelled).then_some("The role was re-scoped.")),
            interviews::reminder_sent.eq(held),
            interviews::scheduled_by.eq(staff.users[1]),
        ))
        .execute(conn)
        .await?;
    for (user, is_lead) in [(staff.users[2], true), (staff.users[3], false)] {
        diesel::insert_into(interview_participants::table)
            .values((
                interview_participants::id.eq(Uuid::now_v7()),
                interview_participants::organization_id.eq(organization),
                interview_participants::interview_id.eq(interview),
                interview_participants::user_id.eq(user),
                interview_participants::is_lead.eq(is_lead),
            ))
            .execute(conn)
            .await?;
        notices.push(
            Notice::new(
                user,
                NotificationType::Interview,
                format!("Interview scheduled: {title}"),
                format!(
                    "You interview {candidate_name} on {}.",
                    scheduled_at.format("%Y-%m-%d %H:%M UTC")
                ),
            )
            .about(NodeType::Interview, interview),
        );
    }
    report.interviews += 1;
    if status != InterviewStatus::Completed {
        return Ok(());
    }
    for (member, is_final, rating, recommendation) in [
        (staff.members[2], true, 4, HiringRecommendation::Hire),
        (
            staff.members[3],
            manager_final,
            5,
            HiringRecommendation::StrongHire,
        ),
    ] {
        let feedback = Uuid::now_v7();
        diesel::insert_into(interview_feedback::table)
            .values((
                interview_feedback::id.eq(feedback),
                interview_feedback::organization_id.eq(organization),
                interview_feedback::interview_id.eq(interview),
                interview_feedback::candidacy_id.eq(candidacy),
                interview_feedback::interviewer_member_id.eq(member),
                interview_feedback::overall_rating.eq(rating),
                interview_feedback::recommendation.eq(recommendation),
                interview_feedback::technical_skills_rating.eq(rng.random_range(3..=5)),
                interview_feedback::communication_rating.eq(rng.random_range(3..=5)),
                interview_feedback::problem_solving_rating.eq(rng.random_range(3..=5)),
                interview_feedback::culture_fit_rating.eq(rng.random_range(3..=5)),
                interview_feedback::skills_evaluated
                    .eq(serde_json::json!([{ "skill": pick(rng, SKILLS), "rating": 4 }])),
                interview_feedback::strengths.eq(sentence(rng)),
                interview_feedback::weaknesses.eq("Could go deeper on testing."),
                interview_feedback::questions_asked.eq(vec![Some("Walk me through a system you built.")]),
                interview_feedback::is_final.eq(is_final),
                interview_feedback::submitted_at.eq(is_final.then_some(now)),
            ))
            .execute(conn)
            .await?;
        report.feedback += 1;
        if is_final && member == staff.members[2] {
            notices.push(
                Notice::new(
                    staff.users[3],
                    NotificationType::Interview,
                    format!("Feedback submitted: {candidate_name}"),
                    format!("An interviewer submitted final feedback on {candidate_name} for {title}: {rating} of 5."),
                )
                .about(NodeType::InterviewFeedback, feedback),
            );
        }
    }
    Ok(())
}
