-- 0005 guards and workflows.
-- Guard: an organization always keeps an owner (SQLSTATE SX001), except while the organization itself is
-- being deleted. Workflows: the few writes that no ordinary row policy can express, as SECURITY DEFINER
-- functions owned by skopx_definer with exactly the grants they use:
--   app.signup(email, password_hash, display_name, organization_name)  skopx_service  user + profile + org + owner
--   app.create_organization(name, slug)                                skopx_app      org + owner membership
--   app.accept_invitation(token)                                       skopx_app, skopx_service
--   app.delete_account()                                               skopx_app, skopx_service
-- Custom SQLSTATEs (mapped by backend/db/errors.py): SX001 last owner, SX002 audit immutable,
-- SX003 invitation invalid, SX004 not signed in.

-- ============================================================================ grants for the workflows
grant select (id, email), insert, delete on public.users to skopx_definer;
grant insert on public.user_profiles to skopx_definer;
grant select (id), insert, delete on public.organizations to skopx_definer;
grant insert on public.organization_members to skopx_definer;
grant select, update (accepted_at) on public.invitations to skopx_definer;

-- ============================================================================ helpers
create function app.require_user() returns uuid
language plpgsql stable
set search_path = ''
as $$
declare v_user uuid := app.current_user_id();
begin
  if v_user is null then
    raise exception using errcode = 'SX004', message = 'Please sign in to continue.';
  end if;
  return v_user;
end
$$;

create function app.slugify(value text) returns text
language sql immutable parallel safe
set search_path = ''
as $$
  select coalesce(nullif(left(btrim(regexp_replace(lower(value), '[^a-z0-9]+', '-', 'g'), '-'), 40), ''), 'workspace')
$$;

create function app.guard_last_owner() returns trigger
language plpgsql security definer
set search_path = ''
as $$
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
$$;

create function app.signup(
  p_email text, p_password_hash text, p_display_name text, p_organization_name text default null
) returns table (user_id uuid, organization_id uuid)
language plpgsql volatile security definer
set search_path = ''
as $$
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
$$;

create function app.create_organization(p_name text, p_slug text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
declare
  v_user uuid := app.require_user();
  v_org uuid;
begin
  insert into public.organizations (name, slug) values (btrim(p_name), lower(btrim(p_slug))) returning id into v_org;
  insert into public.organization_members (organization_id, user_id, role) values (v_org, v_user, 'owner');
  return v_org;
end
$$;

-- Takes the token itself (never stored) and compares its sha256; the invitation's email must be the
-- signed-in user's. An existing member keeps their current role.
create function app.accept_invitation(p_token text) returns uuid
language plpgsql volatile security definer
set search_path = ''
as $$
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
  insert into public.organization_members (organization_id, user_id, role)
  values (v_inv.organization_id, v_user, v_inv.role)
  on conflict do nothing;
  update public.invitations set accepted_at = now()
  where organization_id = v_inv.organization_id and id = v_inv.id;
  return v_inv.organization_id;
end
$$;

-- Deletes the signed-in user, and first every organization in which they are the only member. If they
-- are the last owner of an organization that has other members, the guard refuses (SX001).
create function app.delete_account() returns void
language plpgsql volatile security definer
set search_path = ''
as $$
declare v_user uuid := app.require_user();
begin
  delete from public.organizations o
  where o.id in (select m.organization_id from public.organization_members m where m.user_id = v_user)
    and not exists (
      select 1 from public.organization_members m where m.organization_id = o.id and m.user_id <> v_user
    );
  delete from public.users where id = v_user;
end
$$;

reset role;
alter function app.guard_last_owner() owner to skopx_definer;
alter function app.signup(text, text, text, text) owner to skopx_definer;
alter function app.create_organization(text, text) owner to skopx_definer;
alter function app.accept_invitation(text) owner to skopx_definer;
alter function app.delete_account() owner to skopx_definer;

revoke execute on function app.require_user(), app.slugify(text), app.guard_last_owner(),
  app.signup(text, text, text, text), app.create_organization(text, text), app.accept_invitation(text),
  app.delete_account() from public;
grant execute on function app.require_user(), app.slugify(text) to skopx_definer;
grant execute on function app.guard_last_owner() to skopx_owner;
grant execute on function app.signup(text, text, text, text) to skopx_service;
grant execute on function app.create_organization(text, text) to skopx_app;
grant execute on function app.accept_invitation(text), app.delete_account() to skopx_app, skopx_service;

set local role skopx_owner;

-- ============================================================================ triggers
create trigger organization_members_keep_an_owner after update or delete on public.organization_members
  for each row execute function app.guard_last_owner();
