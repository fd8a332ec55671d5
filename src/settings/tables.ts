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
}

export interface SettingsTables {
  location_settings: LocationSettingsTable;
  settings_audit: SettingsAuditTable;
}
