-- 0006 message privacy flag: the private-project rule without a per-row array check on messages.
-- Messages are the big table (millions of rows). Checking `project_id <> all(hidden projects)` on
-- every row made an RLS count cost 1.5-1.7x the same count without RLS (bench/rls.py). Each message
-- now carries whether its project is private, kept true by triggers that nobody can bypass, so shared
-- projects' messages pass the policy on a boolean read from the index. A stale `true` would only hide
-- a message from nobody (the array check still runs); a stale `false` is prevented because the flag
-- is always derived from the project on insert and on any project change, never taken from the caller.

-- ============================================================================ tables
alter table public.messages add column in_private_project boolean not null default false;
-- Count-style queries that rely on RLS stay index-only scans on the narrowest index that holds every
-- column the policy reads.
create index messages_organization_privacy_idx
  on public.messages (organization_id) include (in_private_project, project_id);

-- ============================================================================ grants
-- The app role has no UPDATE on the flag (0002 grants UPDATE only on editable columns); the insert
-- value it might send is overwritten by the trigger below.
grant select (organization_id, project_id), update (in_private_project) on public.messages to skopx_definer;

-- ============================================================================ helpers
create function app.message_privacy_from_project() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  new.in_private_project := exists (
    select 1 from public.projects p
    where p.organization_id = new.organization_id and p.id = new.project_id and p.visibility = 'private'
  );
  return new;
end
$$;

create function app.project_privacy_to_messages() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if new.visibility is distinct from old.visibility then
    update public.messages m set in_private_project = (new.visibility = 'private')
    where m.organization_id = new.organization_id and m.project_id = new.id;
  end if;
  return null;
end
$$;

reset role;
alter function app.message_privacy_from_project() owner to skopx_definer;
alter function app.project_privacy_to_messages() owner to skopx_definer;
revoke execute on function app.message_privacy_from_project(), app.project_privacy_to_messages() from public;
grant execute on function app.message_privacy_from_project(), app.project_privacy_to_messages() to skopx_owner;
set local role skopx_owner;

-- ============================================================================ triggers
create trigger messages_privacy_from_project before insert or update of project_id on public.messages
  for each row execute function app.message_privacy_from_project();
create trigger projects_privacy_to_messages after update of visibility on public.projects
  for each row execute function app.project_privacy_to_messages();

-- ============================================================================ policies
drop policy "Members can read messages of the projects they can see" on public.messages;
create policy "Members can read messages of the projects they can see"
  on public.messages for select to skopx_app
  using (
    organization_id = any ((select app.user_org_ids())::uuid[])
    and (not in_private_project or project_id <> all ((select app.hidden_project_ids())::uuid[]))
  );
