-- run-as: admin
-- 0001 roles: the three database roles of ARCHITECTURE §3, least privilege.
--   skopx_owner   owns every object; never logs in.
--   skopx_app     every request; not superuser, no BYPASSRLS, owns nothing.
--   skopx_service server-only jobs (webhooks, BYOK keys, sign-up bootstrap); narrow grants.
--   skopx_definer owns the SECURITY DEFINER helpers that must read membership without
--                 recursing through RLS; never logs in, granted only what those helpers read.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'skopx_owner') then
    create role skopx_owner nologin;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'skopx_app') then
    create role skopx_app login;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'skopx_service') then
    create role skopx_service login;
  end if;
  if not exists (select 1 from pg_roles where rolname = 'skopx_definer') then
    create role skopx_definer nologin;
  end if;
end
$$;

alter role skopx_owner nologin nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
alter role skopx_app login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
alter role skopx_service login nosuperuser nocreatedb nocreaterole noinherit nobypassrls noreplication;
alter role skopx_definer nologin nosuperuser nocreatedb nocreaterole noinherit bypassrls noreplication;

do $$
begin
  execute format('revoke all on database %I from public', current_database());
  execute format('grant connect, temporary on database %I to skopx_app, skopx_service', current_database());
  execute format('grant create on database %I to skopx_owner', current_database());
end
$$;

revoke create on schema public from public;
grant usage on schema public to skopx_app, skopx_service, skopx_definer;
grant create on schema public to skopx_owner;
