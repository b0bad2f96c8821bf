-- The Amiqus OAuth token pair (amiqus module), when the service authenticates with an
-- OAuth client rather than a personal access token: one row, shared by every replica.
-- A refresh token works once, so the pair is replaced under a transaction-scoped advisory
-- lock and committed before the new access token is used. Tokens are stored as
-- SecretCipher writes them: enc:v1:... with RECEIVER_ENCRYPTION_KEY, else plain text.
create table amiqus_oauth_tokens (
    singleton            boolean     primary key default true check (singleton),
    -- null until the first refresh after seeding from AMIQUS_OAUTH_REFRESH_TOKEN
    access_token         text,
    access_expires_at    timestamptz,
    refresh_token        text        not null,
    -- from refresh_token_expires_in when Amiqus sends it; null: not known
    refresh_expires_at   timestamptz,
    -- SHA-256 (hex) of the AMIQUS_OAUTH_REFRESH_TOKEN this pair descends from: a
    -- different value in the environment replaces the pair (the operator's way out)
    seed_sha256          text        not null,
    refreshed_at         timestamptz not null,
    -- set when Amiqus refused refresh_token (invalid_grant): it is never sent again
    refused_at           timestamptz,
    refused_reason       text
);
