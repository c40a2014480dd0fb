-- 0002 tenancy schema: every table of the workspace, its keys and indexes, and the table grants.
-- Tenant tables key on (organization_id, id) and reference each other through those composite keys,
-- so an id guessed from another organization can never be referenced (ARCHITECTURE §3, pitfalls).
-- RLS, helpers and policies come in 0003; audit in 0004; guards and workflows in 0005.

-- ============================================================================ schemas and types
create schema app;
revoke all on schema app from public;
grant usage on schema app to skopx_app, skopx_service, skopx_definer;

-- Declared in privilege order: comparisons such as role >= 'admin' follow it.
create type public.org_role as enum ('viewer', 'member', 'admin', 'owner');

-- ============================================================================ tables: people
create table public.users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  password_hash text not null,
  display_name text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint users_email_key unique (email),
  constraint users_email_valid check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$' and length(email) <= 254),
  constraint users_password_hash_present check (length(password_hash) > 0),
  constraint users_display_name_length check (length(btrim(display_name)) between 1 and 100)
);

create table public.user_profiles (
  user_id uuid primary key references public.users (id) on delete cascade,
  avatar_url text,
  bio text not null default '',
  timezone text not null default 'UTC',
  updated_at timestamptz not null default now(),
  constraint user_profiles_bio_length check (length(bio) <= 2000),
  constraint user_profiles_avatar_url_valid check (avatar_url is null or avatar_url ~ '^https://')
);

create table public.sessions (
  jti uuid primary key,
  user_id uuid not null references public.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  user_agent text,
  constraint sessions_expiry_after_creation check (expires_at > created_at),
  constraint sessions_user_agent_length check (length(user_agent) <= 512)
);
create index sessions_user_id_idx on public.sessions (user_id);

create table public.user_api_keys (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references public.users (id) on delete cascade,
  provider text not null default 'anthropic',
  key_ciphertext text not null,
  key_last4 text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint user_api_keys_user_provider_key unique (user_id, provider),
  constraint user_api_keys_provider_valid check (provider in ('anthropic')),
  constraint user_api_keys_last4_length check (length(key_last4) between 1 and 4)
);

-- ============================================================================ tables: organizations
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  slug text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint organizations_slug_key unique (slug),
  constraint organizations_name_length check (length(btrim(name)) between 1 and 100),
  constraint organizations_slug_valid check (slug ~ '^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$')
);

create table public.organization_members (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  user_id uuid not null references public.users (id) on delete cascade,
  role public.org_role not null default 'member',
  created_at timestamptz not null default now(),
  primary key (organization_id, user_id)
);
-- app.user_org_ids() reads by user_id; the include makes it an index-only scan.
create index organization_members_user_idx on public.organization_members (user_id, organization_id) include (role);

create table public.invitations (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  email text not null,
  role public.org_role not null default 'member',
  token_hash text not null,
  invited_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '7 days',
  accepted_at timestamptz,
  primary key (organization_id, id),
  constraint invitations_token_hash_key unique (token_hash),
  constraint invitations_email_valid check (email = lower(email) and email ~ '^[^@\s]+@[^@\s]+$'),
  constraint invitations_token_hash_is_sha256_hex check (token_hash ~ '^[0-9a-f]{64}$')
);
create unique index invitations_pending_email_key on public.invitations (organization_id, email)
  where accepted_at is null;
create index invitations_invited_by_idx on public.invitations (invited_by);

create table public.organization_billing (
  organization_id uuid primary key references public.organizations (id) on delete cascade,
  stripe_customer_id text,
  stripe_subscription_id text,
  plan text not null default 'free',
  status text not null default 'pending',
  seats integer not null default 1,
  current_period_end timestamptz,
  past_due_since timestamptz,
  -- Stripe's event `created` (unix seconds) of the last applied event: older events are ignored.
  last_event_created bigint,
  updated_at timestamptz not null default now(),
  constraint organization_billing_stripe_customer_id_key unique (stripe_customer_id),
  constraint organization_billing_stripe_subscription_id_key unique (stripe_subscription_id),
  constraint organization_billing_status_valid
    check (status in ('pending', 'trialing', 'active', 'past_due', 'canceled')),
  constraint organization_billing_seats_positive check (seats >= 1)
);

create table public.stripe_events (
  id text primary key,
  type text not null,
  organization_id uuid references public.organizations (id) on delete cascade,
  received_at timestamptz not null default now()
);
create index stripe_events_organization_idx on public.stripe_events (organization_id);

-- ============================================================================ tables: work
create table public.projects (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null,
  description text not null default '',
  visibility text not null default 'shared',
  status text not null default 'active',
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  constraint projects_name_length check (length(btrim(name)) between 1 and 200),
  constraint projects_description_length check (length(description) <= 5000),
  constraint projects_visibility_valid check (visibility in ('shared', 'private')),
  constraint projects_status_valid check (status in ('active', 'archived'))
);
create index projects_org_updated_idx on public.projects (organization_id, updated_at desc);
-- app.hidden_project_ids() scans only private projects.
create index projects_private_idx on public.projects (organization_id, created_by) where visibility = 'private';
create index projects_created_by_idx on public.projects (created_by);

create table public.tasks (
  organization_id uuid not null,
  project_id uuid not null,
  id uuid not null default gen_random_uuid(),
  title text not null,
  status text not null default 'todo',
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  foreign key (organization_id, project_id) references public.projects (organization_id, id) on delete cascade,
  constraint tasks_title_length check (length(btrim(title)) between 1 and 300),
  constraint tasks_status_valid check (status in ('todo', 'doing', 'done'))
);
create index tasks_project_idx on public.tasks (organization_id, project_id, created_at);
create index tasks_created_by_idx on public.tasks (created_by);

create table public.conversations (
  organization_id uuid not null,
  project_id uuid not null,
  id uuid not null default gen_random_uuid(),
  title text not null default 'New conversation',
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  -- Target of messages' (organization_id, project_id, conversation_id) key.
  constraint conversations_project_key unique (organization_id, project_id, id),
  foreign key (organization_id, project_id) references public.projects (organization_id, id) on delete cascade,
  constraint conversations_title_length check (length(title) between 1 and 200)
);
create index conversations_creator_updated_idx on public.conversations (organization_id, created_by, updated_at desc);
create index conversations_created_by_idx on public.conversations (created_by);

-- project_id is denormalized so the private-project policy is a cheap array test per row.
create table public.messages (
  organization_id uuid not null,
  project_id uuid not null,
  conversation_id uuid not null,
  id uuid not null default gen_random_uuid(),
  role text not null,
  content text not null default '',
  status text not null default 'complete',
  model text,
  input_tokens integer,
  output_tokens integer,
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- project_id included: a count that relies on the private-project policy stays an index-only scan.
  primary key (organization_id, id) include (project_id),
  foreign key (organization_id, project_id, conversation_id)
    references public.conversations (organization_id, project_id, id) on delete cascade,
  constraint messages_role_valid check (role in ('user', 'assistant')),
  constraint messages_status_valid check (status in ('streaming', 'complete', 'stopped', 'error')),
  constraint messages_content_length check (length(content) <= 200000),
  constraint messages_tokens_not_negative check (coalesce(input_tokens, 0) >= 0 and coalesce(output_tokens, 0) >= 0)
);
create index messages_conversation_idx on public.messages (organization_id, conversation_id, created_at desc);
create index messages_created_by_idx on public.messages (created_by);

create table public.integrations (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  provider text not null,
  account_login text not null default '',
  token_ciphertext text not null,
  connected_by uuid not null references public.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  constraint integrations_provider_valid check (provider in ('github', 'gitlab'))
);
create index integrations_connected_by_idx on public.integrations (connected_by);

create table public.repositories (
  organization_id uuid not null,
  integration_id uuid not null,
  id uuid not null default gen_random_uuid(),
  full_name text not null,
  default_branch text not null default 'main',
  created_at timestamptz not null default now(),
  primary key (organization_id, id),
  foreign key (organization_id, integration_id)
    references public.integrations (organization_id, id) on delete cascade,
  constraint repositories_integration_full_name_key unique (organization_id, integration_id, full_name),
  constraint repositories_full_name_valid check (full_name ~ '^[^/\s]+(/[^/\s]+)+$')
);

create table public.database_connections (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  name text not null,
  engine text not null default 'postgresql',
  config_ciphertext text not null,
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  constraint database_connections_name_key unique (organization_id, name),
  constraint database_connections_name_length check (length(btrim(name)) between 1 and 100),
  constraint database_connections_engine_valid check (engine in ('postgresql', 'mysql', 'sqlite'))
);
create index database_connections_created_by_idx on public.database_connections (created_by);

create table public.data_queries (
  organization_id uuid not null,
  id uuid not null default gen_random_uuid(),
  database_connection_id uuid not null,
  project_id uuid,
  title text not null,
  sql_text text not null,
  created_by uuid references public.users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (organization_id, id),
  foreign key (organization_id, database_connection_id)
    references public.database_connections (organization_id, id) on delete cascade,
  foreign key (organization_id, project_id) references public.projects (organization_id, id) on delete cascade,
  constraint data_queries_title_length check (length(btrim(title)) between 1 and 200),
  constraint data_queries_sql_length check (length(sql_text) between 1 and 100000)
);
create index data_queries_connection_idx on public.data_queries (organization_id, database_connection_id);
create index data_queries_project_idx on public.data_queries (organization_id, project_id);
create index data_queries_created_by_idx on public.data_queries (created_by);

create table public.usage_events (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  id uuid not null default gen_random_uuid(),
  user_id uuid references public.users (id) on delete set null,
  conversation_id uuid,
  model text not null,
  input_tokens integer not null default 0,
  output_tokens integer not null default 0,
  key_source text not null,
  created_at timestamptz not null default now(),
  primary key (organization_id, id),
  foreign key (organization_id, conversation_id)
    references public.conversations (organization_id, id) on delete set null (conversation_id),
  constraint usage_events_key_source_valid check (key_source in ('user', 'server', 'demo')),
  constraint usage_events_tokens_not_negative check (input_tokens >= 0 and output_tokens >= 0)
);
create index usage_events_org_created_idx on public.usage_events (organization_id, created_at desc);
create index usage_events_conversation_idx on public.usage_events (organization_id, conversation_id);
create index usage_events_user_idx on public.usage_events (user_id);

-- ============================================================================ grants
-- Nothing is granted to PUBLIC. skopx_app never gets TRUNCATE, REFERENCES or TRIGGER, and UPDATE only on
-- the columns a user may change (never organization_id, id or created_by: rows cannot move between tenants).
revoke all on all tables in schema public from public;

grant select (id, email, display_name, created_at, updated_at), update (display_name), delete
  on public.users to skopx_app;
grant select, insert, update on public.user_profiles to skopx_app;
grant select, update (revoked_at) on public.sessions to skopx_app;

grant select, update (name, slug), delete on public.organizations to skopx_app;
grant select, update (role), delete on public.organization_members to skopx_app;
grant select (organization_id, id, email, role, invited_by, created_at, expires_at, accepted_at),
  insert, update (role, expires_at), delete on public.invitations to skopx_app;
grant select on public.organization_billing to skopx_app;

grant select, insert, update (name, description, visibility, status), delete on public.projects to skopx_app;
grant select, insert, update (title, status), delete on public.tasks to skopx_app;
grant select, insert, update (title, updated_at), delete on public.conversations to skopx_app;
grant select, insert, update (content, status, model, input_tokens, output_tokens), delete
  on public.messages to skopx_app;
grant select, insert, update (account_login, token_ciphertext), delete on public.integrations to skopx_app;
grant select, insert, update (default_branch), delete on public.repositories to skopx_app;
grant select, insert, update (name, engine, config_ciphertext), delete on public.database_connections to skopx_app;
grant select, insert, update (title, sql_text, project_id), delete on public.data_queries to skopx_app;
grant select, insert on public.usage_events to skopx_app;

-- skopx_service: sign-in, sessions, BYOK keys, Stripe webhooks. Sign-up and invitations go through the
-- SECURITY DEFINER workflows of 0005 instead of broad INSERT rights.
grant select, update (email, password_hash, display_name), delete on public.users to skopx_service;
grant select, insert, update (revoked_at, expires_at), delete on public.sessions to skopx_service;
grant select, insert, update (key_ciphertext, key_last4), delete on public.user_api_keys to skopx_service;
grant select on public.organizations, public.organization_members to skopx_service;
grant select, insert, update on public.organization_billing to skopx_service;
grant select, insert, update (organization_id) on public.stripe_events to skopx_service;
-- Key rotation (backend/crypto/rotate.py) re-encrypts every tenant's secrets: ciphertext columns only.
grant select (organization_id, id, token_ciphertext), update (token_ciphertext) on public.integrations to skopx_service;
grant select (organization_id, id, config_ciphertext), update (config_ciphertext)
  on public.database_connections to skopx_service;
