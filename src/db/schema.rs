// @generated automatically by Diesel CLI.

pub mod sql_types {
    #[derive(diesel::query_builder::QueryId, Clone, diesel::sql_types::SqlType)]
    #[diesel(postgres_type(name = "tsvector", schema = "pg_catalog"))]
    pub struct Tsvector;
}

diesel::table! {
    application_status_events (id) {
        id -> Uuid,
        seq -> Int8,
        user_id -> Uuid,
        application_id -> Uuid,
        from_status -> Nullable<Text>,
        to_status -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
        txid -> Int8,
    }
}

diesel::table! {
    applications (id) {
        id -> Uuid,
        user_id -> Uuid,
        job_posting_id -> Uuid,
        status -> Text,
        personal_context -> Nullable<Text>,
        notes -> Nullable<Text>,
        applied_at -> Nullable<Timestamptz>,
        last_cv_version -> Int4,
        last_cover_letter_version -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        company_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    artifact_pdfs (artifact_id) {
        artifact_id -> Uuid,
        user_id -> Uuid,
        pdf -> Bytea,
        rendered_at -> Timestamptz,
    }
}

diesel::table! {
    artifacts (id) {
        id -> Uuid,
        user_id -> Uuid,
        application_id -> Uuid,
        kind -> Text,
        content -> Text,
        word_count -> Int4,
        version -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    bullet_versions (id) {
        id -> Uuid,
        user_id -> Uuid,
        bullet_id -> Uuid,
        text -> Text,
        created_at -> Timestamptz,
        strategy -> Nullable<Text>,
    }
}

diesel::table! {
    bullets (id) {
        id -> Uuid,
        user_id -> Uuid,
        experience_id -> Uuid,
        engagement_id -> Nullable<Uuid>,
        text -> Text,
        tags -> Array<Nullable<Text>>,
        bullet_type -> Nullable<Text>,
        seniority_level -> Nullable<Text>,
        importance -> Nullable<Text>,
        star_notes -> Nullable<Text>,
        usage_count -> Int4,
        last_used_at -> Nullable<Timestamptz>,
        retired -> Bool,
        sort_order -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        visibility -> Text,
        relevance_scores -> Jsonb,
        lead_with -> Bool,
        strategy -> Nullable<Text>,
    }
}

diesel::table! {
    candidate_profiles (id) {
        id -> Uuid,
        user_id -> Uuid,
        full_name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        location -> Nullable<Text>,
        headline -> Nullable<Text>,
        summary -> Nullable<Text>,
        years_experience -> Nullable<Int4>,
        linkedin_url -> Nullable<Text>,
        github_url -> Nullable<Text>,
        portfolio_url -> Nullable<Text>,
        nationality -> Nullable<Text>,
        target_roles -> Array<Nullable<Text>>,
        specializations -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        ai_systems_builder -> Bool,
        primary_identity -> Nullable<Text>,
        linkedin_about -> Nullable<Text>,
        linkedin_top_skills -> Array<Nullable<Text>>,
        open_to_work_titles -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    candidate_skills (id) {
        id -> Uuid,
        user_id -> Uuid,
        skill_id -> Uuid,
        proficiency -> Text,
        years_experience -> Nullable<Int4>,
        is_featured -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        details -> Nullable<Text>,
    }
}

diesel::table! {
    education (id) {
        id -> Uuid,
        user_id -> Uuid,
        institution_name -> Text,
        degree -> Nullable<Text>,
        field_of_study -> Nullable<Text>,
        minor -> Nullable<Text>,
        gpa -> Nullable<Float8>,
        location -> Nullable<Text>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        is_current -> Bool,
        details -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    engagements (id) {
        id -> Uuid,
        user_id -> Uuid,
        experience_id -> Uuid,
        client -> Nullable<Text>,
        project_name -> Nullable<Text>,
        project_type -> Nullable<Text>,
        date_range_label -> Nullable<Text>,
        domain_tags -> Array<Nullable<Text>>,
        tech_tags -> Array<Nullable<Text>>,
        sort_order -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    event_outbox (seq) {
        seq -> Int8,
        txid -> Int8,
        payload -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    experience_skills (id) {
        id -> Uuid,
        user_id -> Uuid,
        experience_id -> Uuid,
        skill_id -> Uuid,
        proficiency_demonstrated -> Nullable<Text>,
        prominence -> Text,
        usage_notes -> Nullable<Text>,
        extraction_method -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    experiences (id) {
        id -> Uuid,
        user_id -> Uuid,
        company_name -> Text,
        job_title -> Text,
        employment_type -> Text,
        start_date -> Date,
        end_date -> Nullable<Date>,
        location -> Nullable<Text>,
        company_description -> Nullable<Text>,
        summary -> Nullable<Text>,
        sort_order -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        visibility -> Text,
        details -> Nullable<Text>,
        company_id -> Nullable<Uuid>,
        ai_systems_built -> Array<Nullable<Text>>,
        governance_frameworks_created -> Array<Nullable<Text>>,
        domain_relevance -> Nullable<Float8>,
        role_summary -> Nullable<Text>,
        tools_and_technologies -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    job_experience_matches (id) {
        id -> Uuid,
        user_id -> Uuid,
        job_posting_id -> Uuid,
        experience_id -> Uuid,
        relevance -> Text,
        relevance_notes -> Nullable<Text>,
        creation_source -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    job_posting_skills (id) {
        id -> Uuid,
        user_id -> Uuid,
        job_posting_id -> Uuid,
        skill_id -> Uuid,
        importance -> Text,
        source -> Text,
        excluded -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    job_postings (id) {
        id -> Uuid,
        user_id -> Uuid,
        url -> Nullable<Text>,
        company_name -> Text,
        job_title -> Text,
        location -> Nullable<Text>,
        remote_ok -> Bool,
        employment_type -> Nullable<Text>,
        seniority -> Nullable<Text>,
        salary_min -> Nullable<Int4>,
        salary_max -> Nullable<Int4>,
        salary_currency -> Nullable<Text>,
        description -> Text,
        responsibilities -> Nullable<Text>,
        requirements -> Nullable<Text>,
        nice_to_haves -> Nullable<Text>,
        search -> Nullable<Tsvector>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        company_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    mbti_profiles (id) {
        id -> Uuid,
        user_id -> Uuid,
        profile_id -> Uuid,
        mbti_type -> Text,
        ie_score -> Nullable<Int2>,
        ns_score -> Nullable<Int2>,
        tf_score -> Nullable<Int2>,
        jp_score -> Nullable<Int2>,
        manually_overridden -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    persisted_queries (sha256) {
        sha256 -> Text,
        document -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    project_skills (project_id, skill_id) {
        project_id -> Uuid,
        skill_id -> Uuid,
        user_id -> Uuid,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    projects (id) {
        id -> Uuid,
        user_id -> Uuid,
        experience_id -> Nullable<Uuid>,
        name -> Text,
        description -> Nullable<Text>,
        role -> Nullable<Text>,
        category -> Nullable<Text>,
        impact_metric -> Nullable<Text>,
        github_url -> Nullable<Text>,
        live_url -> Nullable<Text>,
        start_date -> Nullable<Date>,
        end_date -> Nullable<Date>,
        sort_order -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        visibility -> Text,
        education_id -> Nullable<Uuid>,
        details -> Nullable<Text>,
        experience_type -> Nullable<Text>,
        tags -> Array<Nullable<Text>>,
        domain_relevance -> Nullable<Float8>,
    }
}

diesel::table! {
    resume_items (id) {
        id -> Uuid,
        user_id -> Uuid,
        section_id -> Uuid,
        parent_item_id -> Nullable<Uuid>,
        kind -> Text,
        experience_id -> Nullable<Uuid>,
        bullet_id -> Nullable<Uuid>,
        project_id -> Nullable<Uuid>,
        star_story_id -> Nullable<Uuid>,
        education_id -> Nullable<Uuid>,
        candidate_skill_id -> Nullable<Uuid>,
        strength_id -> Nullable<Uuid>,
        hidden -> Bool,
        position -> Int4,
        override_text -> Nullable<Text>,
        reason -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    resume_sections (id) {
        id -> Uuid,
        user_id -> Uuid,
        resume_id -> Uuid,
        section_type -> Text,
        title -> Text,
        content -> Nullable<Text>,
        position -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    resume_snapshots (id) {
        id -> Uuid,
        user_id -> Uuid,
        resume_id -> Nullable<Uuid>,
        application_id -> Nullable<Uuid>,
        name -> Text,
        document -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    resumes (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        is_base -> Bool,
        job_posting_id -> Nullable<Uuid>,
        application_id -> Nullable<Uuid>,
        template -> Nullable<Text>,
        full_name -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        location -> Nullable<Text>,
        headline -> Nullable<Text>,
        linkedin_url -> Nullable<Text>,
        github_url -> Nullable<Text>,
        portfolio_url -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        json_resume -> Nullable<Jsonb>,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Uuid,
        user_id -> Uuid,
        token_hash -> Bytea,
        family_id -> Uuid,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        replaced_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (id) {
        id -> Uuid,
        user_id -> Uuid,
        user_agent -> Nullable<Text>,
        created_at -> Timestamptz,
        last_used_at -> Timestamptz,
        expires_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    skills (id) {
        id -> Uuid,
        name -> Text,
        normalized_name -> Text,
        category -> Text,
        aliases -> Array<Nullable<Text>>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        auto_extract -> Bool,
        owner_id -> Nullable<Uuid>,
        description -> Nullable<Text>,
        is_active -> Bool,
    }
}

diesel::table! {
    star_stories (id) {
        id -> Uuid,
        user_id -> Uuid,
        experience_id -> Uuid,
        title -> Nullable<Text>,
        situation -> Text,
        task -> Text,
        action -> Text,
        result -> Text,
        tags -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        visibility -> Text,
    }
}

diesel::table! {
    strengths (id) {
        id -> Uuid,
        user_id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        password_hash -> Text,
        role -> Text,
        is_active -> Bool,
        is_verified -> Bool,
        login_count -> Int4,
        last_login_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        login_streak -> Int4,
        login_streak_max -> Int4,
        last_login_date -> Nullable<Date>,
        quiz_streak -> Int4,
        quiz_streak_max -> Int4,
        last_quiz_date -> Nullable<Date>,
        terms_accepted_at -> Nullable<Timestamptz>,
        terms_version -> Nullable<Text>,
        username -> Nullable<Text>,
    }
}

diesel::table! {
    notifications (id) {
        id -> Uuid,
        user_id -> Uuid,
        notification_type -> Text,
        priority -> Text,
        title -> Text,
        message -> Text,
        related_entity_type -> Nullable<Text>,
        related_entity_id -> Nullable<Uuid>,
        action_url -> Nullable<Text>,
        is_read -> Bool,
        read_at -> Nullable<Timestamptz>,
        is_archived -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    candidacies (id) {
        id -> Uuid,
        organization_id -> Uuid,
        candidate_id -> Uuid,
        requisition_id -> Uuid,
        stage -> Text,
        cover_note -> Nullable<Text>,
        submitted_record -> Nullable<Jsonb>,
        application_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    candidacy_events (id) {
        id -> Uuid,
        seq -> Int8,
        organization_id -> Uuid,
        candidacy_id -> Uuid,
        actor_member_id -> Nullable<Uuid>,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    candidacy_notes (id) {
        id -> Uuid,
        organization_id -> Uuid,
        candidacy_id -> Uuid,
        author_member_id -> Nullable<Uuid>,
        body -> Text,
        note_type -> Text,
        is_private -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    candidates (id) {
        id -> Uuid,
        organization_id -> Uuid,
        user_id -> Nullable<Uuid>,
        full_name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        current_position -> Nullable<Text>,
        location -> Nullable<Text>,
        education -> Nullable<Text>,
        linkedin_url -> Nullable<Text>,
        github_url -> Nullable<Text>,
        portfolio_url -> Nullable<Text>,
        experience_level -> Nullable<Text>,
        experience_years -> Nullable<Int4>,
        skills -> Array<Nullable<Text>>,
        availability_percentage -> Nullable<Int4>,
        added_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    interview_feedback (id) {
        id -> Uuid,
        organization_id -> Uuid,
        interview_id -> Uuid,
        candidacy_id -> Uuid,
        interviewer_member_id -> Nullable<Uuid>,
        overall_rating -> Nullable<Int4>,
        recommendation -> Nullable<Text>,
        technical_skills_rating -> Nullable<Int4>,
        communication_rating -> Nullable<Int4>,
        problem_solving_rating -> Nullable<Int4>,
        culture_fit_rating -> Nullable<Int4>,
        skills_evaluated -> Jsonb,
        strengths -> Nullable<Text>,
        weaknesses -> Nullable<Text>,
        detailed_notes -> Nullable<Text>,
        questions_asked -> Array<Nullable<Text>>,
        requires_second_round -> Bool,
        follow_up_notes -> Nullable<Text>,
        is_final -> Bool,
        submitted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    interview_participants (id) {
        id -> Uuid,
        organization_id -> Uuid,
        interview_id -> Uuid,
        user_id -> Uuid,
        is_lead -> Bool,
        during -> Tstzrange,
        active -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    interviews (id) {
        id -> Uuid,
        organization_id -> Uuid,
        candidacy_id -> Uuid,
        candidate_id -> Uuid,
        requisition_id -> Uuid,
        interview_type -> Text,
        interview_mode -> Text,
        scheduled_at -> Timestamptz,
        duration_minutes -> Int4,
        time_zone -> Text,
        status -> Text,
        started_at -> Nullable<Timestamptz>,
        ended_at -> Nullable<Timestamptz>,
        actual_duration_minutes -> Nullable<Int4>,
        preparation_notes -> Nullable<Text>,
        question_guide -> Nullable<Text>,
        meeting_link -> Nullable<Text>,
        meeting_room -> Nullable<Text>,
        meeting_notes -> Nullable<Text>,
        cancellation_reason -> Nullable<Text>,
        reminder_sent -> Bool,
        scheduled_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    record_shares (id) {
        id -> Uuid,
        user_id -> Uuid,
        organization_id -> Uuid,
        granted_at -> Timestamptz,
        revoked_at -> Nullable<Timestamptz>,
    }
}

// A view (migrations/2026-12-02-000002_candidacies): whose career record each reader may
// read through consent.
diesel::table! {
    record_readers (reader_id, owner_id) {
        reader_id -> Uuid,
        owner_id -> Uuid,
    }
}

diesel::table! {
    catalog_role_skills (role_id, skill_id) {
        role_id -> Uuid,
        skill_id -> Uuid,
    }
}

diesel::table! {
    catalog_roles (id) {
        id -> Uuid,
        name -> Text,
        description -> Nullable<Text>,
        department -> Nullable<Text>,
        is_active -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    organization_invitations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        email -> Text,
        role -> Text,
        token_hash -> Bytea,
        invited_by -> Nullable<Uuid>,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        accepted_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    organization_members (id) {
        id -> Uuid,
        organization_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    organizations (id) {
        id -> Uuid,
        name -> Text,
        slug -> Text,
        website -> Nullable<Text>,
        industry -> Nullable<Text>,
        size_band -> Nullable<Text>,
        headquarters -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    requisition_skills (id) {
        id -> Uuid,
        organization_id -> Uuid,
        requisition_id -> Uuid,
        skill_id -> Uuid,
        level -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    use diesel::sql_types::*;
    use super::sql_types::Tsvector;

    requisitions (id) {
        id -> Uuid,
        organization_id -> Uuid,
        title -> Text,
        description -> Text,
        department -> Nullable<Text>,
        location -> Nullable<Text>,
        remote_ok -> Bool,
        employment_type -> Nullable<Text>,
        experience_level -> Nullable<Text>,
        min_experience_years -> Nullable<Int4>,
        max_experience_years -> Nullable<Int4>,
        min_salary -> Nullable<Int4>,
        max_salary -> Nullable<Int4>,
        currency -> Nullable<Text>,
        positions_available -> Int4,
        positions_filled -> Int4,
        hiring_manager_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        status -> Text,
        is_published -> Bool,
        published_at -> Nullable<Timestamptz>,
        closes_at -> Nullable<Timestamptz>,
        search -> Nullable<Tsvector>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::joinable!(application_status_events -> users (user_id));
diesel::joinable!(catalog_role_skills -> catalog_roles (role_id));
diesel::joinable!(catalog_role_skills -> skills (skill_id));
diesel::joinable!(candidacy_notes -> organization_members (author_member_id));
diesel::joinable!(interview_feedback -> organization_members (interviewer_member_id));
diesel::joinable!(interviews -> users (scheduled_by));
diesel::joinable!(organization_invitations -> organizations (organization_id));
diesel::joinable!(organization_members -> organizations (organization_id));
diesel::joinable!(organization_members -> users (user_id));
diesel::joinable!(requisition_skills -> skills (skill_id));
diesel::joinable!(requisitions -> organizations (organization_id));
diesel::joinable!(applications -> users (user_id));
diesel::joinable!(artifacts -> users (user_id));
diesel::joinable!(artifact_pdfs -> artifacts (artifact_id));
diesel::joinable!(bullet_versions -> users (user_id));
diesel::joinable!(bullets -> users (user_id));
diesel::joinable!(candidate_profiles -> users (user_id));
diesel::joinable!(candidate_skills -> skills (skill_id));
diesel::joinable!(candidate_skills -> users (user_id));
diesel::joinable!(education -> users (user_id));
diesel::joinable!(engagements -> users (user_id));
diesel::joinable!(experience_skills -> skills (skill_id));
diesel::joinable!(experience_skills -> users (user_id));
diesel::joinable!(experiences -> users (user_id));
diesel::joinable!(job_experience_matches -> users (user_id));
diesel::joinable!(job_posting_skills -> skills (skill_id));
diesel::joinable!(job_posting_skills -> users (user_id));
diesel::joinable!(job_postings -> users (user_id));
diesel::joinable!(mbti_profiles -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(project_skills -> skills (skill_id));
diesel::joinable!(project_skills -> users (user_id));
diesel::joinable!(projects -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (family_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(star_stories -> users (user_id));
diesel::joinable!(strengths -> users (user_id));
diesel::joinable!(resumes -> users (user_id));
diesel::joinable!(resume_sections -> users (user_id));
diesel::joinable!(resume_items -> users (user_id));
diesel::joinable!(resume_snapshots -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    notifications,
    artifact_pdfs,
    candidacies,
    candidacy_events,
    candidacy_notes,
    candidates,
    interview_feedback,
    interview_participants,
    interviews,
    record_readers,
    record_shares,
    catalog_role_skills,
    catalog_roles,
    organization_invitations,
    organization_members,
    organizations,
    requisition_skills,
    requisitions,
    application_status_events,
    applications,
    artifacts,
    bullet_versions,
    bullets,
    candidate_profiles,
    candidate_skills,
    education,
    engagements,
    event_outbox,
    experience_skills,
    experiences,
    job_experience_matches,
    job_posting_skills,
    job_postings,
    mbti_profiles,
    persisted_queries,
    project_skills,
    projects,
    refresh_tokens,
    resume_items,
    resume_sections,
    resume_snapshots,
    resumes,
    sessions,
    skills,
    star_stories,
    strengths,
    users,
);

// Contacts, approved outputs, critic logs and the audit log (#15 items 2, 4, 5).

diesel::table! {
    contacts (id) {
        id -> Uuid,
        user_id -> Uuid,
        full_name -> Text,
        title -> Nullable<Text>,
        email -> Nullable<Text>,
        linkedin_url -> Nullable<Text>,
        notes -> Nullable<Text>,
        relationship_type -> Nullable<Text>,
        relationship_strength -> Nullable<Float8>,
        is_hiring_manager_candidate -> Bool,
        company_name -> Nullable<Text>,
        deleted_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        company_id -> Nullable<Uuid>,
    }
}

diesel::table! {
    approved_outputs (id) {
        id -> Uuid,
        user_id -> Uuid,
        application_id -> Nullable<Uuid>,
        job_posting_id -> Nullable<Uuid>,
        output_type -> Text,
        original_text -> Text,
        context_metadata -> Nullable<Jsonb>,
        quality_score -> Nullable<Float8>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    critic_logs (id) {
        id -> Uuid,
        user_id -> Uuid,
        session_id -> Uuid,
        iteration -> Int4,
        quality_score -> Float8,
        passed -> Bool,
        issues -> Array<Nullable<Text>>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Uuid,
        seq -> Int8,
        created_at -> Timestamptz,
        actor_id -> Nullable<Uuid>,
        owner_id -> Nullable<Uuid>,
        organization_id -> Nullable<Uuid>,
        entity_type -> Text,
        entity_id -> Nullable<Text>,
        action -> Text,
        changes -> Jsonb,
        request_id -> Nullable<Text>,
        level -> Text,
        log_type -> Text,
        message -> Text,
        metadata -> Jsonb,
    }
}

diesel::joinable!(contacts -> users (user_id));
diesel::joinable!(approved_outputs -> users (user_id));
diesel::joinable!(critic_logs -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(contacts, approved_outputs, critic_logs, audit_log, users);
diesel::table! {
    export_jobs (id) {
        id -> Uuid,
        user_id -> Uuid,
        kind -> Text,
        resume_id -> Nullable<Uuid>,
        format -> Text,
        template -> Nullable<Text>,
        parameters -> Jsonb,
        status -> Text,
        progress -> Int4,
        attempts -> Int4,
        lease_until -> Nullable<Timestamptz>,
        error -> Nullable<Text>,
        object_key -> Nullable<Text>,
        file_name -> Nullable<Text>,
        content_type -> Nullable<Text>,
        size_bytes -> Nullable<Int8>,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        expires_at -> Nullable<Timestamptz>,
        downloaded_at -> Nullable<Timestamptz>,
        purged_at -> Nullable<Timestamptz>,
    }
}

// Assessments (2026-12-04-000040_assessments).

diesel::table! {
    job_descriptions (id) {
        id -> Uuid,
        organization_id -> Uuid,
        title -> Text,
        description -> Text,
        extracted_text -> Nullable<Text>,
        file_id -> Nullable<Uuid>,
        uploaded_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    question_sets (id) {
        id -> Uuid,
        organization_id -> Uuid,
        skill -> Text,
        level -> Text,
        total_questions -> Int4,
        generation_model -> Nullable<Text>,
        source -> Nullable<Text>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    questions (id) {
        id -> Uuid,
        organization_id -> Uuid,
        question_set_id -> Nullable<Uuid>,
        job_description_id -> Nullable<Uuid>,
        position -> Int4,
        text -> Text,
        options -> Array<Text>,
        correct_option -> Int4,
        difficulty -> Nullable<Text>,
        topic -> Nullable<Text>,
        source -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    assessments (id) {
        id -> Uuid,
        organization_id -> Uuid,
        title -> Text,
        description -> Text,
        job_title -> Nullable<Text>,
        job_description_id -> Nullable<Uuid>,
        required_skills -> Array<Text>,
        required_role_ids -> Array<Uuid>,
        question_set_id -> Nullable<Uuid>,
        method -> Nullable<Text>,
        duration_minutes -> Int4,
        is_questionnaire_enabled -> Bool,
        is_interview_enabled -> Bool,
        is_active -> Bool,
        is_published -> Bool,
        expires_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    assessment_invitations (id) {
        id -> Uuid,
        organization_id -> Uuid,
        assessment_id -> Uuid,
        email -> Text,
        token_hash -> Bytea,
        invited_by -> Nullable<Uuid>,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    assessment_applications (id) {
        id -> Uuid,
        organization_id -> Uuid,
        assessment_id -> Uuid,
        candidate_id -> Uuid,
        user_id -> Nullable<Uuid>,
        invitation_id -> Nullable<Uuid>,
        status -> Text,
        applied_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        completed_at -> Nullable<Timestamptz>,
        availability_percentage -> Nullable<Int4>,
        submitted_skills -> Array<Text>,
        role_applied_for -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    test_sessions (id) {
        id -> Uuid,
        organization_id -> Uuid,
        application_id -> Uuid,
        secret_hash -> Bytea,
        started_at -> Timestamptz,
        deadline_at -> Timestamptz,
        completed_at -> Nullable<Timestamptz>,
        total_questions -> Int4,
        correct_answers -> Nullable<Int4>,
        score_percentage -> Nullable<Float8>,
        is_scored -> Bool,
        score_released_at -> Nullable<Timestamptz>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    test_answers (id) {
        id -> Uuid,
        organization_id -> Uuid,
        session_id -> Uuid,
        question_id -> Uuid,
        selected_option -> Int4,
        is_correct -> Bool,
        time_taken_seconds -> Int4,
        answered_at -> Timestamptz,
    }
}

diesel::table! {
    companies (id) {
        id -> Uuid,
        name -> Text,
        normalized_name -> Text,
        website -> Nullable<Text>,
        industry -> Nullable<Text>,
        size_band -> Nullable<Text>,
        headquarters -> Nullable<Text>,
        business_lines -> Nullable<Text>,
        known_initiatives -> Nullable<Text>,
        culture_signals -> Array<Nullable<Text>>,
        data_ai_maturity -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    job_analyses (job_posting_id) {
        job_posting_id -> Uuid,
        user_id -> Uuid,
        text_sha256 -> Text,
        analyzed_at -> Timestamptz,
        seniority -> Nullable<Text>,
        core_priorities -> Array<Text>,
        must_have_capabilities -> Array<Text>,
        nice_to_have_capabilities -> Array<Text>,
        tone_style -> Text,
        job_type_tags -> Array<Text>,
        capability_clusters -> Jsonb,
        edited_fields -> Array<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    job_selected_skills (id) {
        id -> Uuid,
        user_id -> Uuid,
        job_posting_id -> Uuid,
        skill_id -> Uuid,
        position -> Int4,
        included -> Bool,
        is_key -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    uploaded_documents (id) {
        id -> Uuid,
        user_id -> Uuid,
        organization_id -> Nullable<Uuid>,
        candidate_id -> Nullable<Uuid>,
        original_filename -> Text,
        file_type -> Text,
        category -> Text,
        storage_key -> Text,
        thumbnail_key -> Nullable<Text>,
        size_bytes -> Int8,
        mime_type -> Text,
        sha256 -> Text,
        extracted_text -> Nullable<Text>,
        extraction_preview -> Nullable<Text>,
        is_encrypted -> Bool,
        encryption_method -> Nullable<Text>,
        suggested_skill_ids -> Array<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    user_settings (id) {
        id -> Uuid,
        user_id -> Uuid,
        default_assessment_minutes -> Int4,
        questionnaire_enabled -> Bool,
        interview_enabled -> Bool,
        email_notifications -> Bool,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

// Proctoring events (#17 item 5).

diesel::table! {
    proctoring_events (id) {
        id -> Uuid,
        organization_id -> Uuid,
        session_id -> Uuid,
        event_type -> Text,
        severity -> Text,
        detected_at -> Timestamptz,
        duration_seconds -> Nullable<Int4>,
        question_id -> Nullable<Uuid>,
        snapshot_url -> Nullable<Text>,
        metadata -> Jsonb,
        reviewed -> Bool,
        reviewed_by -> Nullable<Uuid>,
        reviewed_at -> Nullable<Timestamptz>,
        reviewer_notes -> Nullable<Text>,
        flagged -> Bool,
        created_at -> Timestamptz,
    }
}
