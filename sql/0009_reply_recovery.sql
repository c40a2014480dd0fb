-- 0009 reply recovery: a reply is stored while it streams, and one whose end could not reach the database
-- (or whose worker died) is kept as 'interrupted' with the text that was shown.
-- The new check only widens the old one, which every existing row passed, so it is added NOT VALID: no scan
-- of the (large) messages table under the ALTER's exclusive lock; new and updated rows are checked as usual.
alter table public.messages
  drop constraint if exists messages_status_valid,
  add constraint messages_status_valid
    check (status in ('streaming', 'complete', 'stopped', 'error', 'interrupted')) not valid;
