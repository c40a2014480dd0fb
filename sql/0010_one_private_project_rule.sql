-- 0010 one private-project rule. Whether a member may see a private project of their organization (they
-- created it, or they are an admin or owner there) was written twice: in app.hidden_project_ids() of 0003,
-- which the policies of projects and data queries and the writes of conversations, tasks and messages use,
-- and in app.visibility_keys() of 0007, behind the reads of conversations, tasks and messages. It is now
-- written once, as the `visible` column of the view below, and both helpers read it. Each returns exactly
-- what it returned before (`visible` is never null, so `not visible` is the old hidden condition), from
-- the same snapshot, so no policy and no statement's outcome changes.
--
-- Both helpers stay. The policies on hidden_project_ids() judge a project as it was when the statement
-- started, by its id alone. Checks on the row's own visibility and key against visibility_keys() would
-- differ whenever the row changes during the statement: a creator making their own project private
-- writes a row whose key was not among the statement's keys and would be refused; a row added to a
-- private project while it turns shared would be let in; a data query naming a missing project would be
-- refused as forbidden instead of failing its foreign key as not found.
--
-- A view rather than one helper calling the other: the view is expanded into each helper's query, so
-- the plans keep their shape (one scan of my memberships, then the private projects of each), while
-- hidden_project_ids() as "private projects whose key visibility_keys() lacks" cost a second helper call
-- and an array search per private project (about 75 us per statement with 40 private projects).

-- ============================================================================ the rule
-- Every visibility key of my organizations, with whether I hold it: each organization's own id (always),
-- and the key of each of its private projects (if I created it or am an admin or owner there). Security
-- invoker, as every view; only the helpers read it, as skopx_definer.
create view app.member_visibility_keys with (security_invoker = true) as
select m.user_id, k.key, k.project_id, k.visible
from public.organization_members m
cross join lateral (
  select m.organization_id as key, null::uuid as project_id, true as visible
  union all
  select p.private_project_key, p.id, m.role >= 'admin' or p.created_by is not distinct from m.user_id
  from public.projects p
  where p.organization_id = m.organization_id and p.visibility = 'private'
) k;

grant select on app.member_visibility_keys to skopx_definer;

-- ============================================================================ the helpers
-- As superuser: replaced in place, they keep their owner (skopx_definer) and grants.
reset role;

-- My organizations' ids, and the keys of the private projects I may see.
create or replace function app.visibility_keys() returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return array(
    select k.key
    from app.member_visibility_keys k
    where k.user_id = nullif(current_setting('app.user_id', true), '')::uuid and k.visible
  );
end
$$;

-- The private projects of my organizations that I may not see.
create or replace function app.hidden_project_ids() returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(k.project_id), '{}'::uuid[])
    from app.member_visibility_keys k
    where k.user_id = nullif(current_setting('app.user_id', true), '')::uuid and not k.visible
  );
end
$$;

set local role skopx_owner;
