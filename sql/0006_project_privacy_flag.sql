-- 0006 privacy flag: the private-project rule without a per-row array check in the common case.
-- Messages (millions of rows), conversations and tasks follow their project's visibility. Checking
-- `project_id <> all(hidden projects)` on every row made an RLS count of messages cost 1.5-1.7x the
-- same count without RLS (bench/rls.py). Each such row now carries whether its project is private:
-- rows of shared projects pass on a boolean, and the hidden-project helper is not even called when
-- no row needs it (init plans run on first use). The flag is always derived from the project, on
-- insert and whenever a project's visibility changes, and never taken from the caller: a stale `false`
-- cannot happen, and a stale `true` would only fall back to the full check.

-- ============================================================================ tables
alter table public.messages add column in_private_project boolean not null default false;
alter table public.conversations add column in_private_project boolean not null default false;
alter table public.tasks add column in_private_project boolean not null default false;
-- RLS counts of messages stay index-only scans on the narrowest index holding what the policy reads.
create index messages_organization_privacy_idx
  on public.messages (organization_id) include (in_private_project, project_id);

-- ============================================================================ grants
-- The app role has no UPDATE on the flag (0002 grants UPDATE only on editable columns); any value it
-- sends on insert is overwritten by the trigger below.
grant select (organization_id, project_id), update (in_private_project)
  on public.messages, public.conversations, public.tasks to skopx_definer;

-- ============================================================================ helpers
create function app.privacy_from_project() returns trigger
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

create function app.project_privacy_to_contents() returns trigger
language plpgsql security definer
set search_path = ''
as $$
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
$$;

reset role;
alter function app.privacy_from_project() owner to skopx_definer;
alter function app.project_privacy_to_contents() owner to skopx_definer;
revoke execute on function app.privacy_from_project(), app.project_privacy_to_contents() from public;
grant execute on function app.privacy_from_project(), app.project_privacy_to_contents() to skopx_owner;
set local role skopx_owner;

-- ============================================================================ triggers
do $$
declare t text;
begin
  foreach t in array array['conversations', 'tasks', 'messages'] loop
    execute format(
      'create trigger %I before insert or update of project_id on public.%I'
      ' for each row execute function app.privacy_from_project()',
      t || '_privacy_from_project', t);
  end loop;
end
$$;
create trigger projects_privacy_to_contents after update of visibility on public.projects
  for each row execute function app.project_privacy_to_contents();

-- ============================================================================ policies
do $$
declare t text;
begin
  foreach t in array array['conversations', 'tasks', 'messages'] loop
    execute format('drop policy %I on public.%I', 'Members can read ' || t || ' of the projects they can see', t);
    execute format(
      'create policy %I on public.%I for select to skopx_app using ('
      'organization_id = any ((select app.user_org_ids())::uuid[])'
      ' and (not in_private_project or project_id <> all ((select app.hidden_project_ids())::uuid[])))',
      'Members can read ' || t || ' of the projects they can see', t);
  end loop;
end
$$;
