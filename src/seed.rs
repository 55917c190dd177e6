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
use crate::jobs::enums::SkillSource;
use crate::jobs::extract::{PostingText, extract};
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
    Ok(report)
}
