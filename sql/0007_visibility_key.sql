-- 0007 visibility key: reading conversations, tasks and messages becomes an index condition.
-- With 0006, a row of a shared project passed the read policy on `not in_private_project`, but that test
-- still ran on every row: any per-row policy filter costs 7-9% of an index-only count, and this one
-- 14-22% (bench/rls.py, PG 15 and 18), against a budget of 20%. Here each such row carries one key, and
-- the read policy is `visibility_key = any(the keys I may read)`, which Postgres applies inside the index:
--   - a row of a shared project (or of no project) has its organization's id as its key;
--   - a row of a private project has app.private_project_key(organization, project), a 128-bit hash.
-- app.visibility_keys() returns my organizations' ids and the keys of the private projects I may see
-- (mine, and all of them where I am an admin or owner). The hash takes the organization as well as the
-- project because the app role chooses project ids and they are unique only per organization: with
-- plain ids, naming my own private project after another organization's id or another organization's
-- private project would make their rows carry one of my keys. Matching a key now takes a SHA-256
-- preimage. The key is a generated column of the trigger-kept flag of 0006, so nobody can write it.

-- ============================================================================ helpers (the hash)
-- Before the tables, because their generated columns call it.
create function app.private_project_key(org uuid, project uuid) returns uuid
language sql immutable strict parallel safe
set search_path = ''
return pg_catalog.encode(
  pg_catalog.substr(pg_catalog.sha256(pg_catalog.uuid_send(org) operator(pg_catalog.||) pg_catalog.uuid_send(project)), 1, 16),
  'hex')::pg_catalog.uuid;

-- ============================================================================ tables
-- The key a project's rows carry while it is private; stored so that visibility_keys() reads it.
alter table public.projects add column private_project_key uuid
  generated always as (app.private_project_key(organization_id, id)) stored;
drop index public.projects_private_idx;
create index projects_private_idx on public.projects (organization_id, created_by) include (private_project_key)
  where visibility = 'private';
do $$
declare t text;
begin
  foreach t in array array['conversations', 'tasks', 'messages'] loop
    execute format(
      'alter table public.%I add column visibility_key uuid generated always as (case when in_private_project'
      ' then app.private_project_key(organization_id, project_id) else organization_id end) stored', t);
    -- The key is as unselective as the tenant check it replaces: a query that names an organization
    -- reads nearly all of that organization's rows. Without this, the planner takes `key = any(...)` for
    -- a 1% filter and sorts a whole large conversation instead of reading its last 50 messages in order.
    execute format('alter table public.%I alter column visibility_key set (n_distinct = 1)', t);
  end loop;
end
$$;
drop index public.messages_organization_privacy_idx;
create index messages_organization_visibility_idx on public.messages (organization_id, visibility_key);

-- ============================================================================ helpers (the read keys)
-- One call per statement does the work of user_org_ids() and hidden_project_ids(): for each of my
-- memberships, the organization's key and the keys of the private projects I may see in it. The keys of
-- projects are stored (projects.private_project_key, above), so this reads an index and hashes nothing.
create function app.visibility_keys() returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return array(
    select k.key
    from public.organization_members m
    cross join lateral (
      select m.organization_id
      union all
      select p.private_project_key
      from public.projects p
      where p.organization_id = m.organization_id and p.visibility = 'private'
        and (m.role >= 'admin' or p.created_by = m.user_id)
    ) k (key)
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
  );
end
$$;

-- ============================================================================ grants
reset role;
alter function app.visibility_keys() owner to skopx_definer;
revoke execute on function app.private_project_key(uuid, uuid), app.visibility_keys() from public;
grant execute on function app.private_project_key(uuid, uuid), app.visibility_keys()
  to skopx_app, skopx_service, skopx_definer;
set local role skopx_owner;

-- ============================================================================ policies
do $$
declare t text;
begin
  foreach t in array array['conversations', 'tasks', 'messages'] loop
    execute format('drop policy %I on public.%I', 'Members can read ' || t || ' of the projects they can see', t);
    execute format(
      'create policy %I on public.%I for select to skopx_app'
      ' using (visibility_key = any ((select app.visibility_keys())::uuid[]))',
      'Members can read ' || t || ' of the projects they can see', t);
  end loop;
end
$$;
