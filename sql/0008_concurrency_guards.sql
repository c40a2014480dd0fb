-- 0008 concurrency guards: three rules of 0005 and 0006 that held for one transaction at a time now also
-- hold when transactions race (READ COMMITTED, the isolation of every unit of work). Each waits on a row
-- lock, after which a READ COMMITTED statement sees what the other transaction committed.
--   1. An organization keeps an owner: a change of who owns it first locks the organization's row, so two
--      owners demoting or removing each other queue up, and the guard of 0005 (which runs after the
--      change, in a new statement) sees the first one's commit and refuses the second with SX001.
--   2. A conversation, task or message carries its project's final privacy: the flag is read from the
--      project row under FOR SHARE, which waits for a visibility change in progress; a visibility change
--      that starts later waits for the new row's transaction, and then its propagation updates that row.
--      An insert that waited and reads its row back (RETURNING) is refused instead (insufficient
--      privilege): the read policy judges the now private row with the keys of the statement's snapshot.
--   3. An invitation is honoured only while its inviter may still send it: app.accept_invitation checks,
--      at acceptance, that the inviter is still an admin (an owner for an owner invitation). Checking at
--      the moment of use also covers an invitation created while its inviter was being demoted, and one
--      whose inviter deleted their account (invited_by becomes null).

-- ============================================================================ grants
-- Row locks need UPDATE on at least one column of the table. The functions below only lock these rows,
-- so each grant names a column that none of them writes.
grant update (updated_at) on public.organizations, public.projects to skopx_definer;
grant update (created_at) on public.organization_members to skopx_definer;

-- ============================================================================ functions
-- As superuser: the functions of 0005 and 0006 are replaced in place and keep their owner (skopx_definer)
-- and grants; the new one is handed to skopx_definer like theirs were.
reset role;

-- ============================================================================ 1. the last owner
-- Runs before the membership row changes, so the organization is locked before the audit trigger takes
-- its chain head: renaming an organization takes the two locks in the same order. Promotions lock too,
-- for the same order when a transfer of ownership promotes the new owner and then steps down the old one.
create function app.lock_organization_ownership() returns trigger
language plpgsql security definer
set search_path = ''
as $$
begin
  if (old.role = 'owner') <> (tg_op = 'UPDATE' and new.role = 'owner') then
    perform 1 from public.organizations o where o.id = old.organization_id for no key update;
  end if;
  if tg_op = 'DELETE' then
    return old;
  end if;
  return new;
end
$$;
alter function app.lock_organization_ownership() owner to skopx_definer;
revoke execute on function app.lock_organization_ownership() from public;
grant execute on function app.lock_organization_ownership() to skopx_owner;

-- ============================================================================ 2. the privacy flag
-- The project is found by its key alone: a test of its visibility in the WHERE clause would be decided on
-- the old version, before waiting for the lock.
create or replace function app.privacy_from_project() returns trigger
language plpgsql security definer
set search_path = ''
as $$
declare v_visibility text;
begin
  select p.visibility into v_visibility from public.projects p
  where p.organization_id = new.organization_id and p.id = new.project_id
  for share;
  new.in_private_project := v_visibility is not distinct from 'private';
  return new;
end
$$;

-- ============================================================================ 3. invitations
create or replace function app.accept_invitation(p_token text) returns uuid
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
$$;

set local role skopx_owner;

-- ============================================================================ triggers
create trigger organization_members_lock_ownership before update or delete on public.organization_members
  for each row execute function app.lock_organization_ownership();
