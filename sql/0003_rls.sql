-- 0003 row-level security: the role matrix of issue 3, enforced by the database.
-- Policy shape measured in ARCHITECTURE §3: organization_id = any ((select app.<helper>())::uuid[]).
-- The helpers are STABLE SECURITY DEFINER functions owned by skopx_definer (BYPASSRLS), so policies on
-- organization_members never recurse through themselves. Role order: viewer < member < admin < owner.

-- ============================================================================ grants for the helpers
grant select on public.organization_members, public.projects to skopx_definer;

-- ============================================================================ helpers
-- Invoker: reads only the transaction-local setting; '' (anonymous) becomes null.
create function app.current_user_id() returns uuid
language sql stable parallel safe
set search_path = ''
as $$ select nullif(current_setting('app.user_id', true), '')::uuid $$;

-- Each policy evaluates its helper once per query (an InitPlan), so the helpers' fixed cost is the RLS
-- overhead of small queries (bench/rls.py). Hence: PL/pgSQL, whose plans are cached per session (PG 15
-- re-plans a SQL-language SECURITY DEFINER body on every query: 0.1-0.2 ms each), and no helper calls
-- another (a nested SECURITY DEFINER call costs several microseconds).
create function app.user_org_ids() returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(m.organization_id), '{}'::uuid[])
    from public.organization_members m
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
  );
end
$$;

create function app.org_ids_with_role(min_role public.org_role) returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(m.organization_id), '{}'::uuid[])
    from public.organization_members m
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid and m.role >= min_role
  );
end
$$;

create function app.has_org_role(org_id uuid, min_role public.org_role) returns boolean
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
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
$$;

-- Private projects of my organizations that I may not see: not mine, in an organization where I am
-- below admin.
create function app.hidden_project_ids() returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(p.id), '{}'::uuid[])
    from public.organization_members m
    join public.projects p on p.organization_id = m.organization_id
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
      and m.role < 'admin'
      and p.visibility = 'private'
      and p.created_by is distinct from m.user_id
  );
end
$$;

-- Everyone who shares at least one organization with me (including me).
create function app.peer_user_ids() returns uuid[]
language plpgsql stable security definer parallel safe
set search_path = ''
as $$
begin
  return (
    select coalesce(array_agg(distinct peer.user_id), '{}'::uuid[])
    from public.organization_members m
    join public.organization_members peer on peer.organization_id = m.organization_id
    where m.user_id = nullif(current_setting('app.user_id', true), '')::uuid
  );
end
$$;

reset role;
alter function app.user_org_ids() owner to skopx_definer;
alter function app.org_ids_with_role(public.org_role) owner to skopx_definer;
alter function app.has_org_role(uuid, public.org_role) owner to skopx_definer;
alter function app.hidden_project_ids() owner to skopx_definer;
alter function app.peer_user_ids() owner to skopx_definer;

-- As superuser: GRANT/REVOKE then act for each function's owner (skopx_definer for the helpers).
-- Functions created later by either role are not executable by PUBLIC either.
alter default privileges for role skopx_owner, skopx_definer revoke execute on functions from public;
revoke execute on all functions in schema app from public;
grant execute on function
  app.current_user_id(), app.user_org_ids(), app.org_ids_with_role(public.org_role),
  app.has_org_role(uuid, public.org_role), app.hidden_project_ids(), app.peer_user_ids()
  to skopx_app, skopx_service, skopx_definer;

set local role skopx_owner;

-- ============================================================================ triggers
create function app.touch_updated_at() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
revoke execute on function app.touch_updated_at() from public;

do $$
declare t text;
begin
  foreach t in array array[
    'users', 'user_profiles', 'user_api_keys', 'organizations', 'organization_billing', 'projects', 'tasks',
    'conversations', 'integrations', 'database_connections', 'data_queries'
  ] loop
    execute format(
      'create trigger %I before update on public.%I for each row execute function app.touch_updated_at()',
      t || '_touch_updated_at', t
    );
  end loop;
end
$$;

-- ============================================================================ row-level security
do $$
declare t text;
begin
  foreach t in array array[
    'users', 'user_profiles', 'sessions', 'user_api_keys', 'organizations', 'organization_members',
    'invitations', 'organization_billing', 'stripe_events', 'projects', 'tasks', 'conversations', 'messages',
    'integrations', 'repositories', 'database_connections', 'data_queries', 'usage_events'
  ] loop
    execute format('alter table public.%I enable row level security', t);
    execute format('alter table public.%I force row level security', t);
  end loop;
end
$$;

-- ---------------------------------------------------------------- users, profiles, sessions, API keys
create policy "Users can see themselves and the people they share an organization with"
  on public.users for select to skopx_app
  using (id = (select app.current_user_id()) or id = any ((select app.peer_user_ids())::uuid[]));
create policy "Users can update their own account"
  on public.users for update to skopx_app
  using (id = (select app.current_user_id())) with check (id = (select app.current_user_id()));
create policy "Users can delete their own account"
  on public.users for delete to skopx_app using (id = (select app.current_user_id()));
create policy "The service can read accounts to sign people in"
  on public.users for select to skopx_service using (true);
create policy "The service can update accounts"
  on public.users for update to skopx_service using (true) with check (true);
create policy "The service can delete accounts"
  on public.users for delete to skopx_service using (true);

create policy "Users can read their own profile"
  on public.user_profiles for select to skopx_app using (user_id = (select app.current_user_id()));
create policy "Users can create their own profile"
  on public.user_profiles for insert to skopx_app with check (user_id = (select app.current_user_id()));
create policy "Users can update their own profile"
  on public.user_profiles for update to skopx_app
  using (user_id = (select app.current_user_id())) with check (user_id = (select app.current_user_id()));

create policy "Users can read their own sessions"
  on public.sessions for select to skopx_app using (user_id = (select app.current_user_id()));
create policy "Users can revoke their own sessions"
  on public.sessions for update to skopx_app
  using (user_id = (select app.current_user_id())) with check (user_id = (select app.current_user_id()));
create policy "The service can read sessions" on public.sessions for select to skopx_service using (true);
create policy "The service can create sessions" on public.sessions for insert to skopx_service with check (true);
create policy "The service can revoke sessions"
  on public.sessions for update to skopx_service using (true) with check (true);
create policy "The service can delete sessions" on public.sessions for delete to skopx_service using (true);

-- BYOK keys: the app role has no grant at all. A service unit of work acting for a user touches only that
-- user's key; one with no actor (a system job such as key rotation) may touch all of them.
create policy "The service can read the acting user's API keys"
  on public.user_api_keys for select to skopx_service
  using (user_id = (select app.current_user_id()) or (select app.current_user_id()) is null);
create policy "The service can store the acting user's API keys"
  on public.user_api_keys for insert to skopx_service with check (user_id = (select app.current_user_id()));
create policy "The service can replace the acting user's API keys"
  on public.user_api_keys for update to skopx_service
  using (user_id = (select app.current_user_id()) or (select app.current_user_id()) is null)
  with check (user_id = (select app.current_user_id()) or (select app.current_user_id()) is null);
create policy "The service can delete the acting user's API keys"
  on public.user_api_keys for delete to skopx_service using (user_id = (select app.current_user_id()));

-- ---------------------------------------------------------------- organizations and membership
create policy "Members can read their organizations"
  on public.organizations for select to skopx_app
  using (id = any ((select app.user_org_ids())::uuid[]));
create policy "Admins can rename their organization"
  on public.organizations for update to skopx_app
  using (id = any ((select app.org_ids_with_role('admin'))::uuid[]))
  with check (id = any ((select app.org_ids_with_role('admin'))::uuid[]));
create policy "Owners can delete their organization"
  on public.organizations for delete to skopx_app
  using (id = any ((select app.org_ids_with_role('owner'))::uuid[]));
create policy "The service can read organizations" on public.organizations for select to skopx_service using (true);

create policy "Members can see who belongs to their organizations"
  on public.organization_members for select to skopx_app
  using (organization_id = any ((select app.user_org_ids())::uuid[]));
create policy "Owners can change any role and admins can change non-owner roles"
  on public.organization_members for update to skopx_app
  using (
    organization_id = any ((select app.org_ids_with_role('owner'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]) and role <> 'owner')
  )
  with check (
    organization_id = any ((select app.org_ids_with_role('owner'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]) and role <> 'owner')
  );
create policy "Owners remove anyone, admins remove non-owners, and members can leave"
  on public.organization_members for delete to skopx_app
  using (
    organization_id = any ((select app.org_ids_with_role('owner'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]) and role <> 'owner')
    or (user_id = (select app.current_user_id()) and organization_id = any ((select app.user_org_ids())::uuid[]))
  );
create policy "The service can read memberships"
  on public.organization_members for select to skopx_service using (true);

create policy "Admins can read their organization's invitations"
  on public.invitations for select to skopx_app
  using (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]));
create policy "Admins can invite people and only owners can invite owners"
  on public.invitations for insert to skopx_app
  with check (
    invited_by = (select app.current_user_id())
    and (organization_id = any ((select app.org_ids_with_role('owner'))::uuid[])
      or (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]) and role <> 'owner'))
  );
create policy "Admins can change invitations and only owners can grant owner"
  on public.invitations for update to skopx_app
  using (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]))
  with check (
    organization_id = any ((select app.org_ids_with_role('owner'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]) and role <> 'owner')
  );
create policy "Admins can withdraw invitations"
  on public.invitations for delete to skopx_app
  using (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]));

-- ---------------------------------------------------------------- billing
create policy "Admins can read their organization's billing"
  on public.organization_billing for select to skopx_app
  using (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]));
create policy "The service can read billing" on public.organization_billing for select to skopx_service using (true);
create policy "The service can create billing rows"
  on public.organization_billing for insert to skopx_service with check (true);
create policy "The service can update billing rows"
  on public.organization_billing for update to skopx_service using (true) with check (true);

create policy "The service can read Stripe events" on public.stripe_events for select to skopx_service using (true);
create policy "The service can record Stripe events"
  on public.stripe_events for insert to skopx_service with check (true);
create policy "The service can link Stripe events"
  on public.stripe_events for update to skopx_service using (true) with check (true);

create policy "Admins can read their organization's usage"
  on public.usage_events for select to skopx_app
  using (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[]));
create policy "Members can record their own usage"
  on public.usage_events for insert to skopx_app
  with check (
    organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
    and user_id = (select app.current_user_id())
  );

-- ---------------------------------------------------------------- projects and their contents
create policy "Members can read shared projects, their own private ones, and admins all"
  on public.projects for select to skopx_app
  using (
    organization_id = any ((select app.user_org_ids())::uuid[])
    and id <> all ((select app.hidden_project_ids())::uuid[])
  );
create policy "Members can create projects"
  on public.projects for insert to skopx_app
  with check (
    organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
    and created_by = (select app.current_user_id())
  );
create policy "Creators and admins can update projects"
  on public.projects for update to skopx_app
  using (
    organization_id = any ((select app.org_ids_with_role('admin'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
      and created_by = (select app.current_user_id()))
  )
  with check (
    organization_id = any ((select app.org_ids_with_role('admin'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
      and created_by = (select app.current_user_id()))
  );
create policy "Creators and admins can delete projects"
  on public.projects for delete to skopx_app
  using (
    organization_id = any ((select app.org_ids_with_role('admin'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
      and created_by = (select app.current_user_id()))
  );

-- conversations, tasks and messages follow their project's visibility; writes are the creator's (or an
-- admin's). The same four policies are generated for each, so they cannot drift apart.
do $$
declare t text;
declare visible text := 'organization_id = any ((select app.user_org_ids())::uuid[])'
  ' and project_id <> all ((select app.hidden_project_ids())::uuid[])';
declare creator text := '(organization_id = any ((select app.org_ids_with_role(''member''))::uuid[])'
  ' and created_by = (select app.current_user_id()))';
declare admin text := 'organization_id = any ((select app.org_ids_with_role(''admin''))::uuid[])';
begin
  foreach t in array array['conversations', 'tasks', 'messages'] loop
    execute format(
      'create policy %I on public.%I for select to skopx_app using (%s)',
      'Members can read ' || t || ' of the projects they can see', t, visible);
    execute format(
      'create policy %I on public.%I for insert to skopx_app with check (%s and %s%s)',
      'Members can add ' || t || ' to the projects they can see', t, visible, creator,
      case when t = 'messages' then
        ' and exists (select 1 from public.conversations c where c.organization_id = messages.organization_id'
        ' and c.id = messages.conversation_id and c.created_by = (select app.current_user_id()))'
      else '' end);
    execute format(
      'create policy %I on public.%I for update to skopx_app using (%s and %s) with check (%s and %s)',
      'Creators' || case when t = 'messages' then '' else ' and admins' end || ' can update ' || t, t,
      visible, case when t = 'messages' then creator else '(' || creator || ' or ' || admin || ')' end,
      visible, case when t = 'messages' then creator else '(' || creator || ' or ' || admin || ')' end);
    execute format(
      'create policy %I on public.%I for delete to skopx_app using (%s and (%s or %s))',
      'Creators and admins can delete ' || t, t, visible, creator, admin);
  end loop;
end
$$;

create policy "Members can read data queries of the projects they can see"
  on public.data_queries for select to skopx_app
  using (
    organization_id = any ((select app.user_org_ids())::uuid[])
    and (project_id is null or project_id <> all ((select app.hidden_project_ids())::uuid[]))
  );
create policy "Members can save data queries"
  on public.data_queries for insert to skopx_app
  with check (
    organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
    and created_by = (select app.current_user_id())
    and (project_id is null or project_id <> all ((select app.hidden_project_ids())::uuid[]))
  );
create policy "Creators and admins can update data queries"
  on public.data_queries for update to skopx_app
  using (
    organization_id = any ((select app.org_ids_with_role('admin'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
      and created_by = (select app.current_user_id()))
  )
  with check (
    (project_id is null or project_id <> all ((select app.hidden_project_ids())::uuid[]))
    and (organization_id = any ((select app.org_ids_with_role('admin'))::uuid[])
      or (organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
        and created_by = (select app.current_user_id())))
  );
create policy "Creators and admins can delete data queries"
  on public.data_queries for delete to skopx_app
  using (
    organization_id = any ((select app.org_ids_with_role('admin'))::uuid[])
    or (organization_id = any ((select app.org_ids_with_role('member'))::uuid[])
      and created_by = (select app.current_user_id()))
  );

-- ---------------------------------------------------------------- connections to outside systems
create policy "The service can re-encrypt integration tokens"
  on public.integrations for select to skopx_service using (true);
create policy "The service can store re-encrypted integration tokens"
  on public.integrations for update to skopx_service using (true) with check (true);
create policy "The service can re-encrypt database connection configs"
  on public.database_connections for select to skopx_service using (true);
create policy "The service can store re-encrypted database connection configs"
  on public.database_connections for update to skopx_service using (true) with check (true);

do $$
declare t text;
declare creator_column text;
begin
  foreach t in array array['integrations', 'repositories', 'database_connections'] loop
    creator_column := case t when 'integrations' then 'connected_by' when 'database_connections' then 'created_by' end;
    execute format(
      'create policy %I on public.%I for select to skopx_app using '
      '(organization_id = any ((select app.user_org_ids())::uuid[]))',
      'Members can read their organization''s ' || replace(t, '_', ' '), t);
    execute format(
      'create policy %I on public.%I for insert to skopx_app with check '
      '(organization_id = any ((select app.org_ids_with_role(''admin''))::uuid[])%s)',
      'Admins can add ' || replace(t, '_', ' '), t,
      case when creator_column is null then ''
        else format(' and %I = (select app.current_user_id())', creator_column) end);
    execute format(
      'create policy %I on public.%I for update to skopx_app '
      'using (organization_id = any ((select app.org_ids_with_role(''admin''))::uuid[])) '
      'with check (organization_id = any ((select app.org_ids_with_role(''admin''))::uuid[]))',
      'Admins can update ' || replace(t, '_', ' '), t);
    execute format(
      'create policy %I on public.%I for delete to skopx_app '
      'using (organization_id = any ((select app.org_ids_with_role(''admin''))::uuid[]))',
      'Admins can remove ' || replace(t, '_', ' '), t);
  end loop;
end
$$;
