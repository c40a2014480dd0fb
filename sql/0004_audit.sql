-- 0004 audit: AFTER triggers on critical tables write one row per change into audit_logs through a single
-- SECURITY DEFINER function; rows are hash-chained per organization and immutable for every role.
--
-- Chain: per organization (organization_id null = the platform chain: user API keys and deleted
-- organizations). Each row stores seq (1, 2, ...), prev_hash and hash = sha256 of the previous hash and the
-- row's content. The head of each chain lives in app.audit_chain_heads; the upsert on it takes a row lock,
-- so concurrent writers of one organization queue up instead of forking the chain.
--
-- Deletion: the only way an audit row disappears is the ON DELETE CASCADE from its organization. The
-- immutability trigger allows a DELETE only when the row's organization no longer exists, which is true
-- only inside that cascade (while the organization exists, the foreign key keeps its audit rows).

-- ============================================================================ tables
create table public.audit_logs (
  id bigint generated always as identity primary key,
  organization_id uuid references public.organizations (id) on delete cascade,
  seq bigint not null,
  actor_id uuid,
  action text not null,
  table_name text not null,
  row_id text,
  old_values jsonb,
  new_values jsonb,
  created_at timestamptz not null default clock_timestamp(),
  prev_hash text not null,
  hash text not null,
  constraint audit_logs_action_valid check (action in ('insert', 'update', 'delete'))
);
create unique index audit_logs_chain_key on public.audit_logs (organization_id, seq) nulls not distinct;
create index audit_logs_org_created_idx on public.audit_logs (organization_id, created_at desc);

create table app.audit_chain_heads (
  chain_key uuid primary key,
  seq bigint not null,
  hash text not null
);

-- ============================================================================ grants
grant select on public.audit_logs to skopx_app;
grant select, insert on public.audit_logs to skopx_definer;
grant select, insert, update, delete on app.audit_chain_heads to skopx_definer;
grant select on public.organizations to skopx_definer;

-- ============================================================================ helpers
create function app.redact_secrets(row_data jsonb) returns jsonb
language sql immutable parallel safe
set search_path = ''
as $$
  select row_data || coalesce(
    (select jsonb_object_agg(k, to_jsonb('[redacted]'::text))
     from unnest(array['password_hash', 'token_hash', 'token_ciphertext', 'config_ciphertext', 'key_ciphertext']) k
     where row_data ? k),
    '{}'::jsonb)
$$;

-- The canonical content of an audit row. jsonb::text is deterministic and the time is hashed as epoch
-- seconds, so neither DateStyle nor TimeZone can change a hash.
create function app.audit_hash(
  prev_hash text, seq bigint, organization_id uuid, actor_id uuid, action text, table_name text,
  row_id text, old_values jsonb, new_values jsonb, created_at timestamptz
) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select encode(sha256(convert_to(concat_ws('|',
    prev_hash, seq::text, coalesce(organization_id::text, ''), coalesce(actor_id::text, ''), action, table_name,
    coalesce(row_id, ''), coalesce(old_values::text, ''), coalesce(new_values::text, ''),
    extract(epoch from created_at)::text), 'UTF8')), 'hex')
$$;

create function app.audit_row() returns trigger
language plpgsql security definer
set search_path = ''
as $$
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
$$;

create function app.audit_logs_immutable() returns trigger
language plpgsql security definer
set search_path = ''
as $$
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
$$;

-- Returns the id of the first row whose link or content does not verify, 0 when rows are missing after
-- the last one, or null when the chain is intact. skopx_app callers must be admins of the organization.
create function app.verify_audit_chain(org_id uuid) returns bigint
language plpgsql stable security definer
set search_path = ''
as $$
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
$$;

reset role;
alter function app.audit_row() owner to skopx_definer;
alter function app.audit_logs_immutable() owner to skopx_definer;
alter function app.verify_audit_chain(uuid) owner to skopx_definer;

revoke execute on function app.redact_secrets(jsonb), app.audit_hash(text, bigint, uuid, uuid, text, text, text, jsonb, jsonb, timestamptz),
  app.audit_row(), app.audit_logs_immutable(), app.verify_audit_chain(uuid) from public;
grant execute on function app.redact_secrets(jsonb),
  app.audit_hash(text, bigint, uuid, uuid, text, text, text, jsonb, jsonb, timestamptz) to skopx_definer;
grant execute on function app.verify_audit_chain(uuid) to skopx_app;
-- The table owner needs EXECUTE to attach a trigger function (which no one can call directly).
grant execute on function app.audit_row(), app.audit_logs_immutable() to skopx_owner;

set local role skopx_owner;

-- ============================================================================ triggers
do $$
declare t text;
begin
  foreach t in array array[
    'organizations', 'organization_members', 'invitations', 'projects', 'integrations', 'repositories',
    'database_connections', 'user_api_keys', 'organization_billing'
  ] loop
    execute format(
      'create trigger %I after insert or update or delete on public.%I '
      'for each row execute function app.audit_row()', t || '_audit', t);
  end loop;
end
$$;

create trigger audit_logs_immutable before update or delete on public.audit_logs
  for each row execute function app.audit_logs_immutable();
create trigger audit_logs_no_truncate before truncate on public.audit_logs
  for each statement execute function app.audit_logs_immutable();

-- ============================================================================ row-level security
alter table public.audit_logs enable row level security;
alter table public.audit_logs force row level security;
alter table app.audit_chain_heads enable row level security;
alter table app.audit_chain_heads force row level security;

create policy "Owners and admins can read their organization's audit log"
  on public.audit_logs for select to skopx_app
  using (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]));
