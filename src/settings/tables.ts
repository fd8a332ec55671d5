import type { ColumnType, Generated } from 'kysely';

type Json<T = unknown> = ColumnType<T, string, string>;

export interface LocationSettingsTable {
  location_id: string;
  settings: Json;
  version: ColumnType<number, number | undefined, number>;
  updated_at: Date;
  updated_by: string | null;
}

export interface SettingsAuditTable {
  id: Generated<number>;
  location_id: string;
  version: number;
  changed_by: string | null;
  changed_by_name: string | null;
  changed_at: Date;
  before: ColumnType<unknown, string | null, string | null>;
  after: Json;
  /** Null for an edit on the page; what an agency's copy or template says it came from otherwise. */
  via: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An agency's template of settings (migration 0014): the document, without what is local to each sub-account. */
export interface CompanySettingsTemplatesTable {
  company_id: string;
  settings: Json;
  version: number;
  updated_at: Date;
  updated_by: string | null;
  updated_by_name: string | null;
}

export interface SettingsTables {
  location_settings: LocationSettingsTable;
  settings_audit: SettingsAuditTable;
  company_settings_templates: CompanySettingsTemplatesTable;
}
