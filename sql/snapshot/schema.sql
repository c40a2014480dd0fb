-- The security model in force after every migration in sql/: roles, tables with their constraints,
-- indexes and triggers, row-level security, grants, policies, and the app.* functions and views.
-- Generated from a freshly migrated database by backend/db/snapshot/; do not edit.
-- Regenerate: python -m backend.db.snapshot
--
-- Reading it
--   * A policy appears once, as it stands now, whichever migration created or last replaced it.
--   * Grants list what roles other than the owner hold. skopx_owner owns every table and view, and every
--     function that is not a SECURITY DEFINER; those belong to skopx_definer.
--   * Expressions are printed by PostgreSQL: `( SELECT app.user_org_ids() AS user_org_ids)` is the
--     `(select app.user_org_ids())` of the migrations, evaluated once per statement.
--
-- The helpers the policies call: SECURITY DEFINER functions of skopx_definer (which bypasses RLS), so that
-- they read memberships without recursing through the memberships' own policies.
--   app.user_org_ids()          the organizations I belong to
--   app.org_ids_with_role(r)    the organizations where my role is at least r
--   app.has_org_role(o, r)      whether my role in organization o is at least r
--   app.peer_user_ids()         everyone who shares an organization with me
--   app.visibility_keys()       my organizations' ids, and the key of each private project I may see
--   app.hidden_project_ids()    the private projects of my organizations that I may not see
-- app.current_user_id() (an invoker function) is the signed-in user: the transaction's app.user_id.
--
-- The private-project rule (a private project is visible to its creator and to its organization's admins
-- and owners) is written once: the `visible` column of the view app.member_visibility_keys, which both
-- visibility_keys() and hidden_project_ids() read. Conversations, tasks and messages are read through
-- their generated visibility_key (the organization's id, or the project's private_project_key while the
-- project is private) against visibility_keys(). The other checks on private projects use
-- hidden_project_ids(), which judges a project by its id as it was when the statement started: reading
-- projects and data queries, and writing conversations, tasks, messages and data queries.

-- ============================================================================ roles
alter role skopx_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
alter role skopx_definer nologin nosuperuser nocreatedb nocreaterole noinherit bypassrls noreplication;
alter role skopx_owner nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
alter role skopx_service login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
-- on the database itself (whose name varies):
--   grant connect, temporary to skopx_app
--   grant create to skopx_owner
--   grant connect, temporary to skopx_service
--   nothing to public

-- ============================================================================ schemas, default privileges and types
-- schema public, owned by pg_database_owner
grant usage on schema public to skopx_app;
grant usage on schema public to skopx_definer;
grant create on schema public to skopx_owner;
grant usage on schema public to skopx_service;
grant usage on schema public to public;
-- schema app, owned by skopx_owner
grant usage on schema app to skopx_app;
grant usage on schema app to skopx_definer;
grant usage on schema app to skopx_service;
alter default privileges for role skopx_definer revoke execute on functions from public;
alter default privileges for role skopx_owner revoke execute on functions from public;
create type public.org_role as enum ('viewer', 'member', 'admin', 'owner');

-- ============================================================================ tables: columns, constraints, indexes, triggers, row-level security, grants, policies

-- ---------------------------------------------------------------- public.api_tokens
create table public.api_tokens (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  user_id uuid not null,
  name text not null,
  token_prefix text not null,
  token_hash text not null,
  role_ceiling public.org_role not null,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone not null,
  last_used_at timestamp with time zone,
  revoked_at timestamp with time zone,
  constraint api_tokens_pkey PRIMARY KEY (organization_id, id),
  constraint api_tokens_token_hash_key UNIQUE (token_hash),
  constraint api_tokens_membership_fkey FOREIGN KEY (organization_id, user_id) REFERENCES public.organization_members(organization_id, user_id) ON DELETE CASCADE,
  constraint api_tokens_expiry_after_creation CHECK ((expires_at > created_at)),
  constraint api_tokens_lifetime CHECK ((expires_at <= (created_at + '366 days'::interval))),
  constraint api_tokens_name_length CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint api_tokens_token_hash_valid CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text)),
  constraint api_tokens_token_prefix_length CHECK (((length(token_prefix) >= 1) AND (length(token_prefix) <= 16)))
);
alter table public.api_tokens owner to skopx_owner;
CREATE INDEX api_tokens_user_idx ON public.api_tokens USING btree (user_id, created_at DESC);
CREATE TRIGGER api_tokens_audit AFTER INSERT OR DELETE OR UPDATE OF revoked_at ON public.api_tokens FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER api_tokens_cap BEFORE INSERT ON public.api_tokens FOR EACH ROW EXECUTE FUNCTION app.api_tokens_cap();
alter table public.api_tokens enable row level security;
alter table public.api_tokens force row level security;
grant select (organization_id, id, user_id, name, token_prefix, role_ceiling, created_at, expires_at, last_used_at, revoked_at), insert (organization_id, user_id, name, token_prefix, token_hash, role_ceiling, expires_at), update (revoked_at) on public.api_tokens to skopx_app;
grant select on public.api_tokens to skopx_definer;
grant select, update (last_used_at) on public.api_tokens to skopx_service;
create policy "Members can read their own API tokens" on public.api_tokens for select to skopx_app
  using (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "The service can read API tokens to authenticate requests" on public.api_tokens for select to skopx_service
  using (true);
create policy "Members can create API tokens up to their own role" on public.api_tokens for insert to skopx_app
  with check ((user_id = ( SELECT app.current_user_id() AS current_user_id)) AND (organization_id = ANY (( SELECT app.org_ids_with_role(api_tokens.role_ceiling) AS org_ids_with_role)::uuid[])));
create policy "Members can revoke their own API tokens" on public.api_tokens for update to skopx_app
  using (user_id = ( SELECT app.current_user_id() AS current_user_id))
  with check (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "The service can record when an API token was used" on public.api_tokens for update to skopx_service
  using (true)
  with check (true);

-- ---------------------------------------------------------------- public.audit_logs
create table public.audit_logs (
  id bigint generated always as identity not null,
  organization_id uuid,
  seq bigint not null,
  actor_id uuid,
  action text not null,
  table_name text not null,
  row_id text,
  old_values jsonb,
  new_values jsonb,
  created_at timestamp with time zone default clock_timestamp() not null,
  prev_hash text not null,
  hash text not null,
  constraint audit_logs_pkey PRIMARY KEY (id),
  constraint audit_logs_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint audit_logs_action_valid CHECK ((action = ANY (ARRAY['insert'::text, 'update'::text, 'delete'::text])))
);
alter table public.audit_logs owner to skopx_owner;
CREATE UNIQUE INDEX audit_logs_chain_key ON public.audit_logs USING btree (organization_id, seq) NULLS NOT DISTINCT;
CREATE INDEX audit_logs_org_created_idx ON public.audit_logs USING btree (organization_id, created_at DESC);
CREATE TRIGGER audit_logs_immutable BEFORE DELETE OR UPDATE ON public.audit_logs FOR EACH ROW EXECUTE FUNCTION app.audit_logs_immutable();
CREATE TRIGGER audit_logs_no_truncate BEFORE TRUNCATE ON public.audit_logs FOR EACH STATEMENT EXECUTE FUNCTION app.audit_logs_immutable();
alter table public.audit_logs enable row level security;
alter table public.audit_logs force row level security;
grant select on public.audit_logs to skopx_app;
grant select, insert on public.audit_logs to skopx_definer;
create policy "Owners and admins can read their organization's audit log" on public.audit_logs for select to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));

-- ---------------------------------------------------------------- public.conversations
create table public.conversations (
  organization_id uuid not null,
  project_id uuid not null,
  id uuid default gen_random_uuid() not null,
  title text default 'New conversation'::text not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  in_private_project boolean default false not null,
  visibility_key uuid generated always as (
CASE
    WHEN in_private_project THEN app.private_project_key(organization_id, project_id)
    ELSE organization_id
END) stored,
  constraint conversations_pkey PRIMARY KEY (organization_id, id),
  constraint conversations_project_key UNIQUE (organization_id, project_id, id),
  constraint conversations_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint conversations_organization_id_project_id_fkey FOREIGN KEY (organization_id, project_id) REFERENCES public.projects(organization_id, id) ON DELETE CASCADE,
  constraint conversations_title_length CHECK (((length(title) >= 1) AND (length(title) <= 200)))
);
alter table public.conversations owner to skopx_owner;
alter table public.conversations alter column visibility_key set (n_distinct=1);
CREATE INDEX conversations_created_by_idx ON public.conversations USING btree (created_by);
CREATE INDEX conversations_creator_updated_idx ON public.conversations USING btree (organization_id, created_by, updated_at DESC);
CREATE TRIGGER conversations_privacy_from_project BEFORE INSERT OR UPDATE OF project_id ON public.conversations FOR EACH ROW EXECUTE FUNCTION app.privacy_from_project();
CREATE TRIGGER conversations_touch_updated_at BEFORE UPDATE ON public.conversations FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.conversations enable row level security;
alter table public.conversations force row level security;
grant select, insert, update (title, updated_at), delete on public.conversations to skopx_app;
grant select (organization_id, project_id), update (in_private_project) on public.conversations to skopx_definer;
create policy "Members can read conversations of the projects they can see" on public.conversations for select to skopx_app
  using (visibility_key = ANY (( SELECT app.visibility_keys() AS visibility_keys)::uuid[]));
create policy "Members can add conversations to the projects they can see" on public.conversations for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))));
create policy "Creators and admins can update conversations" on public.conversations for update to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))))
  with check ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))));
create policy "Creators and admins can delete conversations" on public.conversations for delete to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))));

-- ---------------------------------------------------------------- public.data_queries
create table public.data_queries (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  database_connection_id uuid not null,
  project_id uuid,
  title text not null,
  sql_text text not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint data_queries_pkey PRIMARY KEY (organization_id, id),
  constraint data_queries_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint data_queries_organization_id_database_connection_id_fkey FOREIGN KEY (organization_id, database_connection_id) REFERENCES public.database_connections(organization_id, id) ON DELETE CASCADE,
  constraint data_queries_organization_id_project_id_fkey FOREIGN KEY (organization_id, project_id) REFERENCES public.projects(organization_id, id) ON DELETE CASCADE,
  constraint data_queries_sql_length CHECK (((length(sql_text) >= 1) AND (length(sql_text) <= 100000))),
  constraint data_queries_title_length CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 200)))
);
alter table public.data_queries owner to skopx_owner;
CREATE INDEX data_queries_connection_idx ON public.data_queries USING btree (organization_id, database_connection_id);
CREATE INDEX data_queries_created_by_idx ON public.data_queries USING btree (created_by);
CREATE INDEX data_queries_project_idx ON public.data_queries USING btree (organization_id, project_id);
CREATE TRIGGER data_queries_touch_updated_at BEFORE UPDATE ON public.data_queries FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.data_queries enable row level security;
alter table public.data_queries force row level security;
grant select, insert, update (project_id, title, sql_text), delete on public.data_queries to skopx_app;
create policy "Members can read data queries of the projects they can see" on public.data_queries for select to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND ((project_id IS NULL) OR (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[]))));
create policy "Members can save data queries" on public.data_queries for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id)) AND ((project_id IS NULL) OR (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[]))));
create policy "Creators and admins can update data queries" on public.data_queries for update to skopx_app
  using ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))))
  with check (((project_id IS NULL) OR (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[]))) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id)))));
create policy "Creators and admins can delete data queries" on public.data_queries for delete to skopx_app
  using ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))));

-- ---------------------------------------------------------------- public.database_connections
create table public.database_connections (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  name text not null,
  engine text default 'postgresql'::text not null,
  config_ciphertext text not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint database_connections_pkey PRIMARY KEY (organization_id, id),
  constraint database_connections_name_key UNIQUE (organization_id, name),
  constraint database_connections_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint database_connections_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint database_connections_engine_valid CHECK ((engine = ANY (ARRAY['postgresql'::text, 'mysql'::text, 'sqlite'::text]))),
  constraint database_connections_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100)))
);
alter table public.database_connections owner to skopx_owner;
CREATE INDEX database_connections_created_by_idx ON public.database_connections USING btree (created_by);
CREATE TRIGGER database_connections_audit AFTER INSERT OR DELETE OR UPDATE ON public.database_connections FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER database_connections_touch_updated_at BEFORE UPDATE ON public.database_connections FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.database_connections enable row level security;
alter table public.database_connections force row level security;
grant select, insert, update (name, engine, config_ciphertext), delete on public.database_connections to skopx_app;
grant select (organization_id, id, config_ciphertext), update (config_ciphertext) on public.database_connections to skopx_service;
create policy "Members can read their organization's database connections" on public.database_connections for select to skopx_app
  using (organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[]));
create policy "The service can re-encrypt database connection configs" on public.database_connections for select to skopx_service
  using (true);
create policy "Admins can add database connections" on public.database_connections for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id)));
create policy "Admins can update database connections" on public.database_connections for update to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))
  with check (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "The service can store re-encrypted database connection configs" on public.database_connections for update to skopx_service
  using (true)
  with check (true);
create policy "Admins can remove database connections" on public.database_connections for delete to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));

-- ---------------------------------------------------------------- public.integrations
create table public.integrations (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  provider text not null,
  account_login text default ''::text not null,
  token_ciphertext text not null,
  connected_by uuid not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint integrations_pkey PRIMARY KEY (organization_id, id),
  constraint integrations_connected_by_fkey FOREIGN KEY (connected_by) REFERENCES public.users(id) ON DELETE CASCADE,
  constraint integrations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint integrations_provider_valid CHECK ((provider = ANY (ARRAY['github'::text, 'gitlab'::text])))
);
alter table public.integrations owner to skopx_owner;
CREATE INDEX integrations_connected_by_idx ON public.integrations USING btree (connected_by);
CREATE TRIGGER integrations_audit AFTER INSERT OR DELETE OR UPDATE ON public.integrations FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER integrations_touch_updated_at BEFORE UPDATE ON public.integrations FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.integrations enable row level security;
alter table public.integrations force row level security;
grant select, insert, update (account_login, token_ciphertext), delete on public.integrations to skopx_app;
grant select (organization_id, id, token_ciphertext), update (token_ciphertext) on public.integrations to skopx_service;
create policy "Members can read their organization's integrations" on public.integrations for select to skopx_app
  using (organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[]));
create policy "The service can re-encrypt integration tokens" on public.integrations for select to skopx_service
  using (true);
create policy "Admins can add integrations" on public.integrations for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (connected_by = ( SELECT app.current_user_id() AS current_user_id)));
create policy "Admins can update integrations" on public.integrations for update to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))
  with check (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "The service can store re-encrypted integration tokens" on public.integrations for update to skopx_service
  using (true)
  with check (true);
create policy "Admins can remove integrations" on public.integrations for delete to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));

-- ---------------------------------------------------------------- public.invitations
create table public.invitations (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  email text not null,
  role public.org_role default 'member'::public.org_role not null,
  token_hash text not null,
  invited_by uuid,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone default (now() + '7 days'::interval) not null,
  accepted_at timestamp with time zone,
  constraint invitations_pkey PRIMARY KEY (organization_id, id),
  constraint invitations_token_hash_key UNIQUE (token_hash),
  constraint invitations_invited_by_fkey FOREIGN KEY (invited_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint invitations_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint invitations_email_valid CHECK (((email = lower(email)) AND (email ~ '^[^@\s]+@[^@\s]+$'::text))),
  constraint invitations_token_hash_is_sha256_hex CHECK ((token_hash ~ '^[0-9a-f]{64}$'::text))
);
alter table public.invitations owner to skopx_owner;
CREATE INDEX invitations_invited_by_idx ON public.invitations USING btree (invited_by);
CREATE UNIQUE INDEX invitations_pending_email_key ON public.invitations USING btree (organization_id, email) WHERE (accepted_at IS NULL);
CREATE TRIGGER invitations_audit AFTER INSERT OR DELETE OR UPDATE ON public.invitations FOR EACH ROW EXECUTE FUNCTION app.audit_row();
alter table public.invitations enable row level security;
alter table public.invitations force row level security;
grant select (organization_id, id, email, role, invited_by, created_at, expires_at, accepted_at), insert, update (role, expires_at), delete on public.invitations to skopx_app;
grant select, update (accepted_at) on public.invitations to skopx_definer;
create policy "Admins can read their organization's invitations" on public.invitations for select to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "Admins can invite people and only owners can invite owners" on public.invitations for insert to skopx_app
  with check ((invited_by = ( SELECT app.current_user_id() AS current_user_id)) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('owner'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (role <> 'owner'::public.org_role))));
create policy "Admins can change invitations and only owners can grant owner" on public.invitations for update to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('owner'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (role <> 'owner'::public.org_role)));
create policy "Admins can withdraw invitations" on public.invitations for delete to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));

-- ---------------------------------------------------------------- public.messages
create table public.messages (
  organization_id uuid not null,
  project_id uuid not null,
  conversation_id uuid not null,
  id uuid default gen_random_uuid() not null,
  role text not null,
  content text default ''::text not null,
  status text default 'complete'::text not null,
  model text,
  input_tokens integer,
  output_tokens integer,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  in_private_project boolean default false not null,
  visibility_key uuid generated always as (
CASE
    WHEN in_private_project THEN app.private_project_key(organization_id, project_id)
    ELSE organization_id
END) stored,
  constraint messages_pkey PRIMARY KEY (organization_id, id) INCLUDE (project_id),
  constraint messages_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint messages_organization_id_project_id_conversation_id_fkey FOREIGN KEY (organization_id, project_id, conversation_id) REFERENCES public.conversations(organization_id, project_id, id) ON DELETE CASCADE,
  constraint messages_content_length CHECK ((length(content) <= 200000)),
  constraint messages_role_valid CHECK ((role = ANY (ARRAY['user'::text, 'assistant'::text]))),
  constraint messages_status_valid CHECK ((status = ANY (ARRAY['streaming'::text, 'complete'::text, 'stopped'::text, 'error'::text, 'interrupted'::text]))) NOT VALID,
  constraint messages_tokens_not_negative CHECK (((COALESCE(input_tokens, 0) >= 0) AND (COALESCE(output_tokens, 0) >= 0)))
);
alter table public.messages owner to skopx_owner;
alter table public.messages alter column visibility_key set (n_distinct=1);
CREATE INDEX messages_conversation_idx ON public.messages USING btree (organization_id, conversation_id, created_at DESC);
CREATE INDEX messages_created_by_idx ON public.messages USING btree (created_by);
CREATE INDEX messages_organization_visibility_idx ON public.messages USING btree (organization_id, visibility_key);
CREATE TRIGGER messages_privacy_from_project BEFORE INSERT OR UPDATE OF project_id ON public.messages FOR EACH ROW EXECUTE FUNCTION app.privacy_from_project();
alter table public.messages enable row level security;
alter table public.messages force row level security;
grant select, insert, update (content, status, model, input_tokens, output_tokens), delete on public.messages to skopx_app;
grant select (organization_id, project_id), update (in_private_project) on public.messages to skopx_definer;
create policy "Members can read messages of the projects they can see" on public.messages for select to skopx_app
  using (visibility_key = ANY (( SELECT app.visibility_keys() AS visibility_keys)::uuid[]));
create policy "Members can add messages to the projects they can see" on public.messages for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) AND (EXISTS ( SELECT 1
   FROM public.conversations c
  WHERE ((c.organization_id = messages.organization_id) AND (c.id = messages.conversation_id) AND (c.created_by = ( SELECT app.current_user_id() AS current_user_id))))));
create policy "Creators can update messages" on public.messages for update to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))))
  with check ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))));
create policy "Creators and admins can delete messages" on public.messages for delete to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))));

-- ---------------------------------------------------------------- public.organization_billing
create table public.organization_billing (
  organization_id uuid not null,
  stripe_customer_id text,
  stripe_subscription_id text,
  plan text default 'free'::text not null,
  status text default 'pending'::text not null,
  seats integer default 1 not null,
  current_period_end timestamp with time zone,
  past_due_since timestamp with time zone,
  last_event_created bigint,
  updated_at timestamp with time zone default now() not null,
  constraint organization_billing_pkey PRIMARY KEY (organization_id),
  constraint organization_billing_stripe_customer_id_key UNIQUE (stripe_customer_id),
  constraint organization_billing_stripe_subscription_id_key UNIQUE (stripe_subscription_id),
  constraint organization_billing_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint organization_billing_seats_positive CHECK ((seats >= 1)),
  constraint organization_billing_status_valid CHECK ((status = ANY (ARRAY['pending'::text, 'trialing'::text, 'active'::text, 'past_due'::text, 'canceled'::text])))
);
alter table public.organization_billing owner to skopx_owner;
CREATE TRIGGER organization_billing_audit AFTER INSERT OR DELETE OR UPDATE ON public.organization_billing FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER organization_billing_touch_updated_at BEFORE UPDATE ON public.organization_billing FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.organization_billing enable row level security;
alter table public.organization_billing force row level security;
grant select on public.organization_billing to skopx_app;
grant select, insert, update on public.organization_billing to skopx_service;
create policy "Admins can read their organization's billing" on public.organization_billing for select to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "The service can read billing" on public.organization_billing for select to skopx_service
  using (true);
create policy "The service can create billing rows" on public.organization_billing for insert to skopx_service
  with check (true);
create policy "The service can update billing rows" on public.organization_billing for update to skopx_service
  using (true)
  with check (true);

-- ---------------------------------------------------------------- public.organization_members
create table public.organization_members (
  organization_id uuid not null,
  user_id uuid not null,
  role public.org_role default 'member'::public.org_role not null,
  created_at timestamp with time zone default now() not null,
  constraint organization_members_pkey PRIMARY KEY (organization_id, user_id),
  constraint organization_members_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint organization_members_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE
);
alter table public.organization_members owner to skopx_owner;
CREATE INDEX organization_members_user_idx ON public.organization_members USING btree (user_id, organization_id) INCLUDE (role);
CREATE TRIGGER organization_members_audit AFTER INSERT OR DELETE OR UPDATE ON public.organization_members FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER organization_members_keep_an_owner AFTER DELETE OR UPDATE ON public.organization_members FOR EACH ROW EXECUTE FUNCTION app.guard_last_owner();
CREATE TRIGGER organization_members_lock_ownership BEFORE DELETE OR UPDATE ON public.organization_members FOR EACH ROW EXECUTE FUNCTION app.lock_organization_ownership();
alter table public.organization_members enable row level security;
alter table public.organization_members force row level security;
grant select, update (role), delete on public.organization_members to skopx_app;
grant select, insert, update (created_at) on public.organization_members to skopx_definer;
grant select on public.organization_members to skopx_service;
create policy "Members can see who belongs to their organizations" on public.organization_members for select to skopx_app
  using (organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[]));
create policy "The service can read memberships" on public.organization_members for select to skopx_service
  using (true);
create policy "Owners can change any role and admins can change non-owner role" on public.organization_members for update to skopx_app
  using ((organization_id = ANY (( SELECT app.org_ids_with_role('owner'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (role <> 'owner'::public.org_role)))
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('owner'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (role <> 'owner'::public.org_role)));
create policy "Owners remove anyone, admins remove non-owners, and members can" on public.organization_members for delete to skopx_app
  using ((organization_id = ANY (( SELECT app.org_ids_with_role('owner'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) AND (role <> 'owner'::public.org_role)) OR ((user_id = ( SELECT app.current_user_id() AS current_user_id)) AND (organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[]))));

-- ---------------------------------------------------------------- public.organizations
create table public.organizations (
  id uuid default gen_random_uuid() not null,
  name text not null,
  slug text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint organizations_pkey PRIMARY KEY (id),
  constraint organizations_slug_key UNIQUE (slug),
  constraint organizations_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 100))),
  constraint organizations_slug_valid CHECK ((slug ~ '^[a-z0-9]([a-z0-9-]{0,46}[a-z0-9])?$'::text))
);
alter table public.organizations owner to skopx_owner;
CREATE TRIGGER organizations_audit AFTER INSERT OR DELETE OR UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER organizations_touch_updated_at BEFORE UPDATE ON public.organizations FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.organizations enable row level security;
alter table public.organizations force row level security;
grant select, update (name, slug), delete on public.organizations to skopx_app;
grant select, select (id), insert, update (updated_at), delete on public.organizations to skopx_definer;
grant select on public.organizations to skopx_service;
create policy "Members can read their organizations" on public.organizations for select to skopx_app
  using (id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[]));
create policy "The service can read organizations" on public.organizations for select to skopx_service
  using (true);
create policy "Admins can rename their organization" on public.organizations for update to skopx_app
  using (id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))
  with check (id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "Owners can delete their organization" on public.organizations for delete to skopx_app
  using (id = ANY (( SELECT app.org_ids_with_role('owner'::public.org_role) AS org_ids_with_role)::uuid[]));

-- ---------------------------------------------------------------- public.projects
create table public.projects (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  name text not null,
  description text default ''::text not null,
  visibility text default 'shared'::text not null,
  status text default 'active'::text not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  private_project_key uuid generated always as (app.private_project_key(organization_id, id)) stored,
  constraint projects_pkey PRIMARY KEY (organization_id, id),
  constraint projects_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint projects_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint projects_description_length CHECK ((length(description) <= 5000)),
  constraint projects_name_length CHECK (((length(btrim(name)) >= 1) AND (length(btrim(name)) <= 200))),
  constraint projects_status_valid CHECK ((status = ANY (ARRAY['active'::text, 'archived'::text]))),
  constraint projects_visibility_valid CHECK ((visibility = ANY (ARRAY['shared'::text, 'private'::text])))
);
alter table public.projects owner to skopx_owner;
CREATE INDEX projects_created_by_idx ON public.projects USING btree (created_by);
CREATE INDEX projects_org_updated_idx ON public.projects USING btree (organization_id, updated_at DESC);
CREATE INDEX projects_private_idx ON public.projects USING btree (organization_id, created_by) INCLUDE (private_project_key) WHERE (visibility = 'private'::text);
CREATE TRIGGER projects_audit AFTER INSERT OR DELETE OR UPDATE ON public.projects FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER projects_privacy_to_contents AFTER UPDATE OF visibility ON public.projects FOR EACH ROW EXECUTE FUNCTION app.project_privacy_to_contents();
CREATE TRIGGER projects_touch_updated_at BEFORE UPDATE ON public.projects FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.projects enable row level security;
alter table public.projects force row level security;
grant select, insert, update (name, description, visibility, status), delete on public.projects to skopx_app;
grant select, update (updated_at) on public.projects to skopx_definer;
create policy "Members can read shared projects, their own private ones, and a" on public.projects for select to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])));
create policy "Members can create projects" on public.projects for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id)));
create policy "Creators and admins can update projects" on public.projects for update to skopx_app
  using ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))))
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))));
create policy "Creators and admins can delete projects" on public.projects for delete to skopx_app
  using ((organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[])) OR ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))));

-- ---------------------------------------------------------------- public.repositories
create table public.repositories (
  organization_id uuid not null,
  integration_id uuid not null,
  id uuid default gen_random_uuid() not null,
  full_name text not null,
  default_branch text default 'main'::text not null,
  created_at timestamp with time zone default now() not null,
  constraint repositories_pkey PRIMARY KEY (organization_id, id),
  constraint repositories_integration_full_name_key UNIQUE (organization_id, integration_id, full_name),
  constraint repositories_organization_id_integration_id_fkey FOREIGN KEY (organization_id, integration_id) REFERENCES public.integrations(organization_id, id) ON DELETE CASCADE,
  constraint repositories_full_name_valid CHECK ((full_name ~ '^[^/\s]+(/[^/\s]+)+$'::text))
);
alter table public.repositories owner to skopx_owner;
CREATE TRIGGER repositories_audit AFTER INSERT OR DELETE OR UPDATE ON public.repositories FOR EACH ROW EXECUTE FUNCTION app.audit_row();
alter table public.repositories enable row level security;
alter table public.repositories force row level security;
grant select, insert, update (default_branch), delete on public.repositories to skopx_app;
create policy "Members can read their organization's repositories" on public.repositories for select to skopx_app
  using (organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[]));
create policy "Admins can add repositories" on public.repositories for insert to skopx_app
  with check (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "Admins can update repositories" on public.repositories for update to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))
  with check (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "Admins can remove repositories" on public.repositories for delete to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));

-- ---------------------------------------------------------------- public.sessions
create table public.sessions (
  jti uuid not null,
  user_id uuid not null,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone not null,
  revoked_at timestamp with time zone,
  user_agent text,
  constraint sessions_pkey PRIMARY KEY (jti),
  constraint sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE,
  constraint sessions_expiry_after_creation CHECK ((expires_at > created_at)),
  constraint sessions_user_agent_length CHECK ((length(user_agent) <= 512))
);
alter table public.sessions owner to skopx_owner;
CREATE INDEX sessions_user_id_idx ON public.sessions USING btree (user_id);
alter table public.sessions enable row level security;
alter table public.sessions force row level security;
grant select, update (revoked_at) on public.sessions to skopx_app;
grant select, insert, update (expires_at, revoked_at), delete on public.sessions to skopx_service;
create policy "The service can read sessions" on public.sessions for select to skopx_service
  using (true);
create policy "Users can read their own sessions" on public.sessions for select to skopx_app
  using (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "The service can create sessions" on public.sessions for insert to skopx_service
  with check (true);
create policy "The service can revoke sessions" on public.sessions for update to skopx_service
  using (true)
  with check (true);
create policy "Users can revoke their own sessions" on public.sessions for update to skopx_app
  using (user_id = ( SELECT app.current_user_id() AS current_user_id))
  with check (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "The service can delete sessions" on public.sessions for delete to skopx_service
  using (true);

-- ---------------------------------------------------------------- public.stripe_events
create table public.stripe_events (
  id text not null,
  type text not null,
  organization_id uuid,
  received_at timestamp with time zone default now() not null,
  constraint stripe_events_pkey PRIMARY KEY (id),
  constraint stripe_events_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE
);
alter table public.stripe_events owner to skopx_owner;
CREATE INDEX stripe_events_organization_idx ON public.stripe_events USING btree (organization_id);
alter table public.stripe_events enable row level security;
alter table public.stripe_events force row level security;
grant select, insert, update (organization_id) on public.stripe_events to skopx_service;
create policy "The service can read Stripe events" on public.stripe_events for select to skopx_service
  using (true);
create policy "The service can record Stripe events" on public.stripe_events for insert to skopx_service
  with check (true);
create policy "The service can link Stripe events" on public.stripe_events for update to skopx_service
  using (true)
  with check (true);

-- ---------------------------------------------------------------- public.tasks
create table public.tasks (
  organization_id uuid not null,
  project_id uuid not null,
  id uuid default gen_random_uuid() not null,
  title text not null,
  status text default 'todo'::text not null,
  created_by uuid,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  in_private_project boolean default false not null,
  visibility_key uuid generated always as (
CASE
    WHEN in_private_project THEN app.private_project_key(organization_id, project_id)
    ELSE organization_id
END) stored,
  constraint tasks_pkey PRIMARY KEY (organization_id, id),
  constraint tasks_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint tasks_organization_id_project_id_fkey FOREIGN KEY (organization_id, project_id) REFERENCES public.projects(organization_id, id) ON DELETE CASCADE,
  constraint tasks_status_valid CHECK ((status = ANY (ARRAY['todo'::text, 'doing'::text, 'done'::text]))),
  constraint tasks_title_length CHECK (((length(btrim(title)) >= 1) AND (length(btrim(title)) <= 300)))
);
alter table public.tasks owner to skopx_owner;
alter table public.tasks alter column visibility_key set (n_distinct=1);
CREATE INDEX tasks_created_by_idx ON public.tasks USING btree (created_by);
CREATE INDEX tasks_project_idx ON public.tasks USING btree (organization_id, project_id, created_at);
CREATE TRIGGER tasks_privacy_from_project BEFORE INSERT OR UPDATE OF project_id ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.privacy_from_project();
CREATE TRIGGER tasks_touch_updated_at BEFORE UPDATE ON public.tasks FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.tasks enable row level security;
alter table public.tasks force row level security;
grant select, insert, update (title, status), delete on public.tasks to skopx_app;
grant select (organization_id, project_id), update (in_private_project) on public.tasks to skopx_definer;
create policy "Members can read tasks of the projects they can see" on public.tasks for select to skopx_app
  using (visibility_key = ANY (( SELECT app.visibility_keys() AS visibility_keys)::uuid[]));
create policy "Members can add tasks to the projects they can see" on public.tasks for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))));
create policy "Creators and admins can update tasks" on public.tasks for update to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))))
  with check ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))));
create policy "Creators and admins can delete tasks" on public.tasks for delete to skopx_app
  using ((organization_id = ANY (( SELECT app.user_org_ids() AS user_org_ids)::uuid[])) AND (project_id <> ALL (( SELECT app.hidden_project_ids() AS hidden_project_ids)::uuid[])) AND (((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (created_by = ( SELECT app.current_user_id() AS current_user_id))) OR (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]))));

-- ---------------------------------------------------------------- public.usage_events
create table public.usage_events (
  organization_id uuid not null,
  id uuid default gen_random_uuid() not null,
  user_id uuid,
  conversation_id uuid,
  model text not null,
  input_tokens integer default 0 not null,
  output_tokens integer default 0 not null,
  key_source text not null,
  created_at timestamp with time zone default now() not null,
  constraint usage_events_pkey PRIMARY KEY (organization_id, id),
  constraint usage_events_organization_id_conversation_id_fkey FOREIGN KEY (organization_id, conversation_id) REFERENCES public.conversations(organization_id, id) ON DELETE SET NULL (conversation_id),
  constraint usage_events_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES public.organizations(id) ON DELETE CASCADE,
  constraint usage_events_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL,
  constraint usage_events_key_source_valid CHECK ((key_source = ANY (ARRAY['user'::text, 'server'::text, 'demo'::text]))),
  constraint usage_events_tokens_not_negative CHECK (((input_tokens >= 0) AND (output_tokens >= 0)))
);
alter table public.usage_events owner to skopx_owner;
CREATE INDEX usage_events_conversation_idx ON public.usage_events USING btree (organization_id, conversation_id);
CREATE INDEX usage_events_org_created_idx ON public.usage_events USING btree (organization_id, created_at DESC);
CREATE INDEX usage_events_user_idx ON public.usage_events USING btree (user_id);
alter table public.usage_events enable row level security;
alter table public.usage_events force row level security;
grant select, insert on public.usage_events to skopx_app;
create policy "Admins can read their organization's usage" on public.usage_events for select to skopx_app
  using (organization_id = ANY (( SELECT app.org_ids_with_role('admin'::public.org_role) AS org_ids_with_role)::uuid[]));
create policy "Members can record their own usage" on public.usage_events for insert to skopx_app
  with check ((organization_id = ANY (( SELECT app.org_ids_with_role('member'::public.org_role) AS org_ids_with_role)::uuid[])) AND (user_id = ( SELECT app.current_user_id() AS current_user_id)));

-- ---------------------------------------------------------------- public.user_api_keys
create table public.user_api_keys (
  id uuid default gen_random_uuid() not null,
  user_id uuid not null,
  provider text default 'anthropic'::text not null,
  key_ciphertext text not null,
  key_last4 text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint user_api_keys_pkey PRIMARY KEY (id),
  constraint user_api_keys_user_provider_key UNIQUE (user_id, provider),
  constraint user_api_keys_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE,
  constraint user_api_keys_last4_length CHECK (((length(key_last4) >= 1) AND (length(key_last4) <= 4))),
  constraint user_api_keys_provider_valid CHECK ((provider = 'anthropic'::text))
);
alter table public.user_api_keys owner to skopx_owner;
CREATE TRIGGER user_api_keys_audit AFTER INSERT OR DELETE OR UPDATE ON public.user_api_keys FOR EACH ROW EXECUTE FUNCTION app.audit_row();
CREATE TRIGGER user_api_keys_touch_updated_at BEFORE UPDATE ON public.user_api_keys FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.user_api_keys enable row level security;
alter table public.user_api_keys force row level security;
grant select, insert, update (key_ciphertext, key_last4), delete on public.user_api_keys to skopx_service;
create policy "The service can read the acting user's API keys" on public.user_api_keys for select to skopx_service
  using ((user_id = ( SELECT app.current_user_id() AS current_user_id)) OR (( SELECT app.current_user_id() AS current_user_id) IS NULL));
create policy "The service can store the acting user's API keys" on public.user_api_keys for insert to skopx_service
  with check (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "The service can replace the acting user's API keys" on public.user_api_keys for update to skopx_service
  using ((user_id = ( SELECT app.current_user_id() AS current_user_id)) OR (( SELECT app.current_user_id() AS current_user_id) IS NULL))
  with check ((user_id = ( SELECT app.current_user_id() AS current_user_id)) OR (( SELECT app.current_user_id() AS current_user_id) IS NULL));
create policy "The service can delete the acting user's API keys" on public.user_api_keys for delete to skopx_service
  using (user_id = ( SELECT app.current_user_id() AS current_user_id));

-- ---------------------------------------------------------------- public.user_profiles
create table public.user_profiles (
  user_id uuid not null,
  avatar_url text,
  bio text default ''::text not null,
  timezone text default 'UTC'::text not null,
  updated_at timestamp with time zone default now() not null,
  constraint user_profiles_pkey PRIMARY KEY (user_id),
  constraint user_profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE,
  constraint user_profiles_avatar_url_valid CHECK (((avatar_url IS NULL) OR (avatar_url ~ '^https://'::text))),
  constraint user_profiles_bio_length CHECK ((length(bio) <= 2000))
);
alter table public.user_profiles owner to skopx_owner;
CREATE TRIGGER user_profiles_touch_updated_at BEFORE UPDATE ON public.user_profiles FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.user_profiles enable row level security;
alter table public.user_profiles force row level security;
grant select, insert, update on public.user_profiles to skopx_app;
grant insert on public.user_profiles to skopx_definer;
create policy "Users can read their own profile" on public.user_profiles for select to skopx_app
  using (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "Users can create their own profile" on public.user_profiles for insert to skopx_app
  with check (user_id = ( SELECT app.current_user_id() AS current_user_id));
create policy "Users can update their own profile" on public.user_profiles for update to skopx_app
  using (user_id = ( SELECT app.current_user_id() AS current_user_id))
  with check (user_id = ( SELECT app.current_user_id() AS current_user_id));

-- ---------------------------------------------------------------- public.users
create table public.users (
  id uuid default gen_random_uuid() not null,
  email text not null,
  password_hash text not null,
  display_name text not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint users_pkey PRIMARY KEY (id),
  constraint users_email_key UNIQUE (email),
  constraint users_display_name_length CHECK (((length(btrim(display_name)) >= 1) AND (length(btrim(display_name)) <= 100))),
  constraint users_email_valid CHECK (((email = lower(email)) AND (email ~ '^[^@\s]+@[^@\s]+$'::text) AND (length(email) <= 254))),
  constraint users_password_hash_present CHECK ((length(password_hash) > 0))
);
alter table public.users owner to skopx_owner;
CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON public.users FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
alter table public.users enable row level security;
alter table public.users force row level security;
grant select (id, email, display_name, created_at, updated_at), update (display_name), delete on public.users to skopx_app;
grant select (id, email), insert, delete on public.users to skopx_definer;
grant select, update (email, password_hash, display_name), delete on public.users to skopx_service;
create policy "The service can read accounts to sign people in" on public.users for select to skopx_service
  using (true);
create policy "Users can see themselves and the people they share an organizat" on public.users for select to skopx_app
  using ((id = ( SELECT app.current_user_id() AS current_user_id)) OR (id = ANY (( SELECT app.peer_user_ids() AS peer_user_ids)::uuid[])));
create policy "The service can update accounts" on public.users for update to skopx_service
  using (true)
  with check (true);
create policy "Users can update their own account" on public.users for update to skopx_app
  using (id = ( SELECT app.current_user_id() AS current_user_id))
  with check (id = ( SELECT app.current_user_id() AS current_user_id));
create policy "The service can delete accounts" on public.users for delete to skopx_service
  using (true);
create policy "Users can delete their own account" on public.users for delete to skopx_app
  using (id = ( SELECT app.current_user_id() AS current_user_id));

-- ---------------------------------------------------------------- app.audit_chain_heads
create table app.audit_chain_heads (
  chain_key uuid not null,
  seq bigint not null,
  hash text not null,
  constraint audit_chain_heads_pkey PRIMARY KEY (chain_key)
);
alter table app.audit_chain_heads owner to skopx_owner;
alter table app.audit_chain_heads enable row level security;
alter table app.audit_chain_heads force row level security;
grant select, insert, update, delete on app.audit_chain_heads to skopx_definer;

-- ---------------------------------------------------------------- app.member_visibility_keys
create view app.member_visibility_keys with (security_invoker=true) as
 SELECT m.user_id,
    k.key,
    k.project_id,
    k.visible
   FROM (public.organization_members m
     CROSS JOIN LATERAL ( SELECT m.organization_id AS key,
            NULL::uuid AS project_id,
            true AS visible
        UNION ALL
         SELECT p.private_project_key,
            p.id,
            ((m.role >= 'admin'::public.org_role) OR (NOT (p.created_by IS DISTINCT FROM m.user_id)))
           FROM public.projects p
          WHERE ((p.organization_id = m.organization_id) AND (p.visibility = 'private'::text))) k);
alter view app.member_visibility_keys owner to skopx_owner;
grant select on app.member_visibility_keys to skopx_definer;

-- ============================================================================ functions
-- signature | owner | security | volatility | executable by (besides the owner)
--   app.accept_invitation(p_token text) | skopx_definer | definer | volatile | skopx_app, skopx_service
--   app.api_tokens_cap() | skopx_definer | definer | volatile | skopx_owner
--   app.audit_hash(prev_hash text, seq bigint, organization_id uuid, actor_id uuid, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, created_at timestamp with time zone) | skopx_owner | invoker | immutable | skopx_definer
--   app.audit_logs_immutable() | skopx_definer | definer | volatile | skopx_owner
--   app.audit_row() | skopx_definer | definer | volatile | skopx_owner
--   app.create_organization(p_name text, p_slug text) | skopx_definer | definer | volatile | skopx_app
--   app.current_user_id() | skopx_owner | invoker | stable | skopx_app, skopx_definer, skopx_service
--   app.delete_account() | skopx_definer | definer | volatile | skopx_app, skopx_service
--   app.guard_last_owner() | skopx_definer | definer | volatile | skopx_owner
--   app.has_org_role(org_id uuid, min_role public.org_role) | skopx_definer | definer | stable | skopx_app, skopx_service
--   app.hidden_project_ids() | skopx_definer | definer | stable | skopx_app, skopx_service
--   app.lock_organization_ownership() | skopx_definer | definer | volatile | skopx_owner
--   app.org_ids_with_role(min_role public.org_role) | skopx_definer | definer | stable | skopx_app, skopx_service
--   app.peer_user_ids() | skopx_definer | definer | stable | skopx_app, skopx_service
--   app.privacy_from_project() | skopx_definer | definer | volatile | skopx_owner
--   app.private_project_key(org uuid, project uuid) | skopx_owner | invoker | immutable | skopx_app, skopx_definer, skopx_service
--   app.project_privacy_to_contents() | skopx_definer | definer | volatile | skopx_owner
--   app.redact_secrets(row_data jsonb) | skopx_owner | invoker | immutable | skopx_definer
--   app.require_user() | skopx_owner | invoker | stable | skopx_definer
--   app.signup(p_email text, p_password_hash text, p_display_name text, p_organization_name text) | skopx_definer | definer | volatile | skopx_service
--   app.slugify(value text) | skopx_owner | invoker | immutable | skopx_definer
--   app.touch_updated_at() | skopx_owner | invoker | volatile | nobody
--   app.user_org_ids() | skopx_definer | definer | stable | skopx_app, skopx_service
--   app.verify_audit_chain(org_id uuid) | skopx_definer | definer | stable | skopx_app
--   app.visibility_keys() | skopx_definer | definer | stable | skopx_app, skopx_service

CREATE OR REPLACE FUNCTION app.accept_invitation(p_token text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_user uuid := app.require_user();
  v_inv public.invitations;
begin
  select * into v_inv from public.invitations i
  where i.token_hash = encode(sha256(convert_to(p_token, 'UTF8')), 'hex')
  for update;
  if not found or v_inv.accepted_at is not null or v_inv.expires_at <= now() then
    raise exception using errcode = 'SX003', message = 'This invitation is invalid or has expired.';
  end if;
  if not exists (select 1 from public.users u where u.id = v_user and u.email = v_inv.email) then
    raise exception using errcode = 'SX003', message = 'This invitation was sent to a different email address.';
  end if;
  -- FOR SHARE waits for a concurrent change of the inviter's role or membership, then re-checks the row.
  perform 1 from public.organization_members m
  where m.organization_id = v_inv.organization_id and m.user_id = v_inv.invited_by
    and m.role >= greatest('admin'::public.org_role, v_inv.role)
  for share;
  if not found then
    raise exception using errcode = 'SX003', message = 'This invitation was withdrawn. Ask for a new one.';
  end if;
  insert into public.organization_members (organization_id, user_id, role)
  values (v_inv.organization_id, v_user, v_inv.role)
  on conflict do nothing;
  update public.invitations set accepted_at = now()
  where organization_id = v_inv.organization_id and id = v_inv.id;
  return v_inv.organization_id;
end
$function$;
alter function app.accept_invitation(p_token text) owner to skopx_definer;
revoke all on function app.accept_invitation(p_token text) from public;
grant execute on function app.accept_invitation(p_token text) to skopx_app;
grant execute on function app.accept_invitation(p_token text) to skopx_service;

CREATE OR REPLACE FUNCTION app.api_tokens_cap()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  perform pg_advisory_xact_lock(hashtextextended('api_tokens:' || new.organization_id || ':' || new.user_id, 0));
  if (select count(*) from public.api_tokens t
      where t.organization_id = new.organization_id and t.user_id = new.user_id
        and t.revoked_at is null and t.expires_at > now()) >= 50 then
    raise exception using
      errcode = 'SX005',
      message = 'You already have 50 active API tokens in this organization. Revoke one you no longer use first.';
  end if;
  return new;
end
$function$;
alter function app.api_tokens_cap() owner to skopx_definer;
revoke all on function app.api_tokens_cap() from public;
grant execute on function app.api_tokens_cap() to skopx_owner;

CREATE OR REPLACE FUNCTION app.audit_hash(prev_hash text, seq bigint, organization_id uuid, actor_id uuid, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, created_at timestamp with time zone)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select encode(sha256(convert_to(concat_ws('|',
    prev_hash, seq::text, coalesce(organization_id::text, ''), coalesce(actor_id::text, ''), action, table_name,
    coalesce(row_id, ''), coalesce(old_values::text, ''), coalesce(new_values::text, ''),
    extract(epoch from created_at)::text), 'UTF8')), 'hex')
$function$;
alter function app.audit_hash(prev_hash text, seq bigint, organization_id uuid, actor_id uuid, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, created_at timestamp with time zone) owner to skopx_owner;
revoke all on function app.audit_hash(prev_hash text, seq bigint, organization_id uuid, actor_id uuid, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, created_at timestamp with time zone) from public;
grant execute on function app.audit_hash(prev_hash text, seq bigint, organization_id uuid, actor_id uuid, action text, table_name text, row_id text, old_values jsonb, new_values jsonb, created_at timestamp with time zone) to skopx_definer;

CREATE OR REPLACE FUNCTION app.audit_logs_immutable()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if tg_op = 'DELETE' then
    if old.organization_id is not null
       and not exists (select 1 from public.organizations o where o.id = old.organization_id) then
      return old;
    end if;
  end if;
  raise exception using
    errcode = 'SX002',
    message = 'Audit log entries cannot be changed or deleted.';
end
$function$;
alter function app.audit_logs_immutable() owner to skopx_definer;
revoke all on function app.audit_logs_immutable() from public;
grant execute on function app.audit_logs_immutable() to skopx_owner;

CREATE OR REPLACE FUNCTION app.audit_row()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  nil constant uuid := '00000000-0000-0000-0000-000000000000';
  v_old jsonb;
  v_new jsonb;
  v_row jsonb;
  v_org uuid;
  v_seq bigint;
  v_prev text;
  v_at timestamptz := clock_timestamp();
  v_actor uuid := app.current_user_id();
  v_action text := lower(tg_op);
  v_row_id text;
begin
  if tg_op <> 'INSERT' then v_old := app.redact_secrets(to_jsonb(old)); end if;
  if tg_op <> 'DELETE' then v_new := app.redact_secrets(to_jsonb(new)); end if;
  v_row := coalesce(v_new, v_old);
  v_row_id := coalesce(v_row ->> 'id', v_row ->> 'user_id', v_row ->> 'organization_id');

  if tg_table_name = 'organizations' then
    v_org := (v_row ->> 'id')::uuid;
    if tg_op = 'DELETE' then
      -- The organization's own trail is removed with it; its deletion is kept in the platform chain.
      delete from app.audit_chain_heads where chain_key = v_org;
      v_org := null;
    end if;
  elsif tg_table_name = 'user_api_keys' then
    v_org := null;
  else
    v_org := (v_row ->> 'organization_id')::uuid;
    if not exists (select 1 from public.organizations o where o.id = v_org) then
      return null;  -- a cascade from deleting the whole organization: nothing left to audit
    end if;
  end if;

  insert into app.audit_chain_heads as h (chain_key, seq, hash)
  values (coalesce(v_org, nil), 1, repeat('0', 64))
  on conflict (chain_key) do update set seq = h.seq + 1
  returning h.seq, h.hash into v_seq, v_prev;

  insert into public.audit_logs
    (organization_id, seq, actor_id, action, table_name, row_id, old_values, new_values, created_at, prev_hash, hash)
  values
    (v_org, v_seq, v_actor, v_action, tg_table_name, v_row_id, v_old, v_new, v_at, v_prev,
     app.audit_hash(v_prev, v_seq, v_org, v_actor, v_action, tg_table_name, v_row_id, v_old, v_new, v_at))
  returning hash into v_prev;

  update app.audit_chain_heads set hash = v_prev where chain_key = coalesce(v_org, nil);
  return null;
end
$function$;
alter function app.audit_row() owner to skopx_definer;
revoke all on function app.audit_row() from public;
grant execute on function app.audit_row() to skopx_owner;

CREATE OR REPLACE FUNCTION app.create_organization(p_name text, p_slug text)
 RETURNS uuid
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  v_user uuid := app.require_user();
  v_org uuid;
begin
  insert into public.organizations (name, slug) values (btrim(p_name), lower(btrim(p_slug))) returning id into v_org;
  insert into public.organization_members (organization_id, user_id, role) values (v_org, v_user, 'owner');
  return v_org;
end
$function$;
alter function app.create_organization(p_name text, p_slug text) owner to skopx_definer;
revoke all on function app.create_organization(p_name text, p_slug text) from public;
grant execute on function app.create_organization(p_name text, p_slug text) to skopx_app;

CREATE OR REPLACE FUNCTION app.current_user_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$ select nullif(current_setting('app.user_id', true), '')::uuid $function$;
alter function app.current_user_id() owner to skopx_owner;
revoke all on function app.current_user_id() from public;
grant execute on function app.current_user_id() to skopx_app;
grant execute on function app.current_user_id() to skopx_definer;
grant execute on function app.current_user_id() to skopx_service;

CREATE OR REPLACE FUNCTION app.delete_account()
 RETURNS void
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare v_user uuid := app.require_user();
begin
  delete from public.organizations o
  where o.id in (select m.organization_id from public.organization_members m where m.user_id = v_user)
    and not exists (
      select 1 from public.organization_members m where m.organization_id = o.id and m.user_id <> v_user
    );
  delete from public.users where id = v_user;
end
$function$;
alter function app.delete_account() owner to skopx_definer;
revoke all on function app.delete_account() from public;
grant execute on function app.delete_account() to skopx_app;
grant execute on function app.delete_account() to skopx_service;

CREATE OR REPLACE FUNCTION app.guard_last_owner()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if old.role = 'owner' and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select 1 from public.organizations o where o.id = old.organization_id)
     and not exists (
       select 1 from public.organization_members m
       where m.organization_id = old.organization_id and m.role = 'owner'
     ) then
    raise exception using
      errcode = 'SX001',
      message = 'An organization must keep at least one owner. Make another member an owner first, or delete the organization.';
  end if;
  return null;
end
$function$;
alter function app.guard_last_owner() owner to skopx_definer;
revoke all on function app.guard_last_owner() from public;
grant execute on function app.guard_last_owner() to skopx_owner;

CREATE OR REPLACE FUNCTION app.has_org_role(org_id uuid, min_role public.org_role)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return (
    select exists (
      select 1 from public.organization_members m
      where m.organization_id = org_id
        and m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
        and m.role >= min_role
    )
  );
end
$function$;
alter function app.has_org_role(org_id uuid, min_role public.org_role) owner to skopx_definer;
revoke all on function app.has_org_role(org_id uuid, min_role public.org_role) from public;
grant execute on function app.has_org_role(org_id uuid, min_role public.org_role) to skopx_app;
grant execute on function app.has_org_role(org_id uuid, min_role public.org_role) to skopx_service;

CREATE OR REPLACE FUNCTION app.hidden_project_ids()
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return (
    select coalesce(array_agg(k.project_id), '{}'::uuid[])
    from app.member_visibility_keys k
    where k.user_id = nullif(current_setting('app.user_id', true), '')::uuid and not k.visible
  );
end
$function$;
alter function app.hidden_project_ids() owner to skopx_definer;
revoke all on function app.hidden_project_ids() from public;
grant execute on function app.hidden_project_ids() to skopx_app;
grant execute on function app.hidden_project_ids() to skopx_service;

CREATE OR REPLACE FUNCTION app.lock_organization_ownership()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  if (old.role = 'owner') <> (tg_op = 'UPDATE' and new.role = 'owner') then
    perform 1 from public.organizations o where o.id = old.organization_id for no key update;
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end
$function$;
alter function app.lock_organization_ownership() owner to skopx_definer;
revoke all on function app.lock_organization_ownership() from public;
grant execute on function app.lock_organization_ownership() to skopx_owner;

CREATE OR REPLACE FUNCTION app.org_ids_with_role(min_role public.org_role)
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return (
    select coalesce(array_agg(m.organization_id), '{}'::uuid[])
    from public.organization_members m
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid and m.role >= min_role
  );
end
$function$;
alter function app.org_ids_with_role(min_role public.org_role) owner to skopx_definer;
revoke all on function app.org_ids_with_role(min_role public.org_role) from public;
grant execute on function app.org_ids_with_role(min_role public.org_role) to skopx_app;
grant execute on function app.org_ids_with_role(min_role public.org_role) to skopx_service;

CREATE OR REPLACE FUNCTION app.peer_user_ids()
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return (
    select coalesce(array_agg(distinct peer.user_id), '{}'::uuid[])
    from public.organization_members m
    join public.organization_members peer on peer.organization_id = m.organization_id
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
  );
end
$function$;
alter function app.peer_user_ids() owner to skopx_definer;
revoke all on function app.peer_user_ids() from public;
grant execute on function app.peer_user_ids() to skopx_app;
grant execute on function app.peer_user_ids() to skopx_service;

CREATE OR REPLACE FUNCTION app.privacy_from_project()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare v_visibility text;
begin
  select p.visibility into v_visibility from public.projects p
  where p.organization_id = new.organization_id and p.id = new.project_id
  for share;
  new.in_private_project := v_visibility is not distinct from 'private';
  return new;
end
$function$;
alter function app.privacy_from_project() owner to skopx_definer;
revoke all on function app.privacy_from_project() from public;
grant execute on function app.privacy_from_project() to skopx_owner;

CREATE OR REPLACE FUNCTION app.private_project_key(org uuid, project uuid)
 RETURNS uuid
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE STRICT
 SET search_path TO ''
RETURN (encode(substr(sha256((uuid_send(org) || uuid_send(project))), 1, 16), 'hex'::text))::uuid;
alter function app.private_project_key(org uuid, project uuid) owner to skopx_owner;
revoke all on function app.private_project_key(org uuid, project uuid) from public;
grant execute on function app.private_project_key(org uuid, project uuid) to skopx_app;
grant execute on function app.private_project_key(org uuid, project uuid) to skopx_definer;
grant execute on function app.private_project_key(org uuid, project uuid) to skopx_service;

CREATE OR REPLACE FUNCTION app.project_privacy_to_contents()
 RETURNS trigger
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare private boolean := new.visibility = 'private';
begin
  if new.visibility is distinct from old.visibility then
    update public.conversations c set in_private_project = private
    where c.organization_id = new.organization_id and c.project_id = new.id;
    update public.tasks t set in_private_project = private
    where t.organization_id = new.organization_id and t.project_id = new.id;
    update public.messages m set in_private_project = private
    where m.organization_id = new.organization_id and m.project_id = new.id;
  end if;
  return null;
end
$function$;
alter function app.project_privacy_to_contents() owner to skopx_definer;
revoke all on function app.project_privacy_to_contents() from public;
grant execute on function app.project_privacy_to_contents() to skopx_owner;

CREATE OR REPLACE FUNCTION app.redact_secrets(row_data jsonb)
 RETURNS jsonb
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select row_data || coalesce(
    (select jsonb_object_agg(k, to_jsonb('[redacted]'::text))
     from unnest(array['password_hash', 'token_hash', 'token_ciphertext', 'config_ciphertext', 'key_ciphertext']) k
     where row_data ? k),
    '{}'::jsonb)
$function$;
alter function app.redact_secrets(row_data jsonb) owner to skopx_owner;
revoke all on function app.redact_secrets(row_data jsonb) from public;
grant execute on function app.redact_secrets(row_data jsonb) to skopx_definer;

CREATE OR REPLACE FUNCTION app.require_user()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
 SET search_path TO ''
AS $function$
declare v_user uuid := app.current_user_id();
begin
  if v_user is null then
    raise exception using errcode = 'SX004', message = 'Please sign in to continue.';
  end if;
  return v_user;
end
$function$;
alter function app.require_user() owner to skopx_owner;
revoke all on function app.require_user() from public;
grant execute on function app.require_user() to skopx_definer;

CREATE OR REPLACE FUNCTION app.signup(p_email text, p_password_hash text, p_display_name text, p_organization_name text DEFAULT NULL::text)
 RETURNS TABLE(user_id uuid, organization_id uuid)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO ''
AS $function$
#variable_conflict use_column
declare
  v_user uuid;
  v_org uuid;
  v_name text := btrim(p_display_name);
begin
  insert into public.users (email, password_hash, display_name)
  values (lower(btrim(p_email)), p_password_hash, v_name)
  returning id into v_user;
  -- The new user is the actor of their own sign-up in the audit log.
  if app.current_user_id() is null then
    perform set_config('app.user_id', v_user::text, true);
  end if;
  insert into public.user_profiles (user_id) values (v_user);
  insert into public.organizations (name, slug)
  values (
    coalesce(nullif(btrim(p_organization_name), ''), left(v_name, 88) || '''s workspace'),
    app.slugify(coalesce(nullif(btrim(p_organization_name), ''), split_part(p_email, '@', 1)))
      || '-' || left(replace(gen_random_uuid()::text, '-', ''), 6)
  )
  returning id into v_org;
  insert into public.organization_members (organization_id, user_id, role) values (v_org, v_user, 'owner');
  return query select v_user, v_org;
end
$function$;
alter function app.signup(p_email text, p_password_hash text, p_display_name text, p_organization_name text) owner to skopx_definer;
revoke all on function app.signup(p_email text, p_password_hash text, p_display_name text, p_organization_name text) from public;
grant execute on function app.signup(p_email text, p_password_hash text, p_display_name text, p_organization_name text) to skopx_service;

CREATE OR REPLACE FUNCTION app.slugify(value text)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO ''
AS $function$
  select coalesce(nullif(left(btrim(regexp_replace(lower(value), '[^a-z0-9]+', '-', 'g'), '-'), 40), ''), 'workspace')
$function$;
alter function app.slugify(value text) owner to skopx_owner;
revoke all on function app.slugify(value text) from public;
grant execute on function app.slugify(value text) to skopx_definer;

CREATE OR REPLACE FUNCTION app.touch_updated_at()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO ''
AS $function$
begin
  new.updated_at := now();
  return new;
end
$function$;
alter function app.touch_updated_at() owner to skopx_owner;
revoke all on function app.touch_updated_at() from public;

CREATE OR REPLACE FUNCTION app.user_org_ids()
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return (
    select coalesce(array_agg(m.organization_id), '{}'::uuid[])
    from public.organization_members m
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
  );
end
$function$;
alter function app.user_org_ids() owner to skopx_definer;
revoke all on function app.user_org_ids() from public;
grant execute on function app.user_org_ids() to skopx_app;
grant execute on function app.user_org_ids() to skopx_service;

CREATE OR REPLACE FUNCTION app.verify_audit_chain(org_id uuid)
 RETURNS bigint
 LANGUAGE plpgsql
 STABLE SECURITY DEFINER
 SET search_path TO ''
AS $function$
declare
  r record;
  v_prev text := repeat('0', 64);
  v_next bigint := 1;
  v_head bigint;
begin
  if session_user::text = 'skopx_app' and not app.has_org_role(org_id, 'admin') then
    raise exception using errcode = '42501', message = 'Only owners and admins can verify the audit log.';
  end if;
  for r in
    select * from public.audit_logs a where a.organization_id is not distinct from org_id order by a.seq
  loop
    if r.seq <> v_next or r.prev_hash <> v_prev or r.hash <> app.audit_hash(
      r.prev_hash, r.seq, r.organization_id, r.actor_id, r.action, r.table_name, r.row_id,
      r.old_values, r.new_values, r.created_at) then
      return r.id;
    end if;
    v_prev := r.hash;
    v_next := v_next + 1;
  end loop;
  select h.seq into v_head from app.audit_chain_heads h
  where h.chain_key = coalesce(org_id, '00000000-0000-0000-0000-000000000000'::uuid);
  if v_head is not null and v_head <> v_next - 1 then
    return 0;
  end if;
  return null;
end
$function$;
alter function app.verify_audit_chain(org_id uuid) owner to skopx_definer;
revoke all on function app.verify_audit_chain(org_id uuid) from public;
grant execute on function app.verify_audit_chain(org_id uuid) to skopx_app;

CREATE OR REPLACE FUNCTION app.visibility_keys()
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE SECURITY DEFINER
 SET search_path TO ''
AS $function$
begin
  return array(
    select k.key
    from app.member_visibility_keys k
    where k.user_id = nullif(current_setting('app.user_id', true), '')::uuid and k.visible
  );
end
$function$;
alter function app.visibility_keys() owner to skopx_definer;
revoke all on function app.visibility_keys() from public;
grant execute on function app.visibility_keys() to skopx_app;
grant execute on function app.visibility_keys() to skopx_service;
