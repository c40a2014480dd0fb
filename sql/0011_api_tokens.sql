-- 0011 personal access tokens for the public API.
--
-- A token belongs to one member of one organization: its foreign key is the membership, so removing the
-- member (or deleting the organization or the account) deletes the token with it. Only the SHA-256 of the
-- secret is stored; the secret is shown once. A token acts with the lower of its role ceiling and the
-- member's current role, decided when it is used, so a demotion applies to the very next request.
--
-- Members create, list and revoke their own tokens (skopx_app). Authenticating a request, which happens
-- before anyone is known, is the service's: it reads tokens by hash and records when each was last used.
-- Creation and revocation are audited in the organization's chain; the last-used time is not (it changes
-- on every request and says nothing about who may do what).

create table public.api_tokens (
  organization_id uuid not null,
  id uuid not null default gen_random_uuid(),
  user_id uuid not null,
  name text not null,
  token_prefix text not null,
  token_hash text not null,
  role_ceiling public.org_role not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  last_used_at timestamptz,
  revoked_at timestamptz,
  primary key (organization_id, id),
  constraint api_tokens_membership_fkey foreign key (organization_id, user_id)
    references public.organization_members (organization_id, user_id) on delete cascade,
  constraint api_tokens_token_hash_key unique (token_hash),
  constraint api_tokens_name_length check (length(name) between 1 and 100),
  constraint api_tokens_token_prefix_length check (length(token_prefix) between 1 and 16),
  constraint api_tokens_token_hash_valid check (token_hash ~ '^[0-9a-f]{64}$'),
  constraint api_tokens_expiry_after_creation check (expires_at > created_at),
  constraint api_tokens_lifetime check (expires_at <= created_at + interval '366 days')
);
create index api_tokens_user_idx on public.api_tokens (user_id, created_at desc);

grant select (id, organization_id, user_id, name, token_prefix, role_ceiling, created_at, expires_at,
              last_used_at, revoked_at),
      insert (organization_id, user_id, name, token_prefix, token_hash, role_ceiling, expires_at),
      update (revoked_at)
  on public.api_tokens to skopx_app;
grant select, update (last_used_at) on public.api_tokens to skopx_service;

alter table public.api_tokens enable row level security;
alter table public.api_tokens force row level security;

create policy "Members can read their own API tokens"
  on public.api_tokens for select to skopx_app using (user_id = (select app.current_user_id()));
create policy "Members can create API tokens up to their own role"
  on public.api_tokens for insert to skopx_app
  with check (
    user_id = (select app.current_user_id())
    and organization_id = any ((select app.org_ids_with_role(role_ceiling))::uuid[])
  );
create policy "Members can revoke their own API tokens"
  on public.api_tokens for update to skopx_app
  using (user_id = (select app.current_user_id())) with check (user_id = (select app.current_user_id()));
create policy "The service can read API tokens to authenticate requests"
  on public.api_tokens for select to skopx_service using (true);
create policy "The service can record when an API token was used"
  on public.api_tokens for update to skopx_service using (true) with check (true);

-- At most 50 live tokens per member of an organization, held under concurrent creation: inserts for one
-- member queue on a transaction-scoped advisory lock, so each counts what the previous one committed.
create function app.api_tokens_cap() returns trigger
language plpgsql security definer
set search_path = ''
as $$
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
$$;
reset role;
alter function app.api_tokens_cap() owner to skopx_definer;
revoke execute on function app.api_tokens_cap() from public;
grant execute on function app.api_tokens_cap() to skopx_owner;
grant select on public.api_tokens to skopx_definer;
set local role skopx_owner;

create trigger api_tokens_cap before insert on public.api_tokens
  for each row execute function app.api_tokens_cap();
create trigger api_tokens_audit after insert or delete or update of revoked_at on public.api_tokens
  for each row execute function app.audit_row();
