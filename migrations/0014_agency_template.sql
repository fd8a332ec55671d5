-- The agency portfolio (docs/design.md, agency portfolio): each agency's template of settings, which every new
-- install of its sub-accounts starts from and which it may copy to chosen sub-accounts.
create table company_settings_templates (
  company_id text primary key,
  settings jsonb not null,
  version integer not null,
  updated_at timestamptz not null,
  updated_by text,
  updated_by_name text
);

-- Where a change came from when it was not an edit on the sub-account's own page: "agency template" at install,
-- or the agency's copy (from its template or from another sub-account). Null: edited on the page.
alter table settings_audit add column via text;
