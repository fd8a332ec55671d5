-- Reps GHL told us were deleted (UserDelete): round-robin, rules and sources skip them until a UserCreate brings
-- the same id back. The settings document keeps them, so the owner sees whom to replace.
create table removed_users (
  location_id text not null,
  user_id text not null,
  removed_at timestamptz not null,
  primary key (location_id, user_id)
);
