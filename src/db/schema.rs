// @generated automatically by Diesel CLI.

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
    }
}

diesel::joinable!(candidate_profiles -> users (user_id));
diesel::joinable!(mbti_profiles -> candidate_profiles (profile_id));
diesel::joinable!(mbti_profiles -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(candidate_profiles, mbti_profiles, refresh_tokens, users,);
