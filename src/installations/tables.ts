import type { ColumnType, Generated } from 'kysely';

export type InstallStatus = 'installed' | 'uninstalled' | 'revoked';
export type TokenUserType = 'Location' | 'Company';

export interface InstallationsTable {
  location_id: string;
  company_id: string | null;
  user_type: ColumnType<TokenUserType, TokenUserType | undefined, TokenUserType>;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  expires_at: Date | null;
  scope: string | null;
  status: InstallStatus;
  name: string | null;
  timezone: string | null;
  white_label_domain: ColumnType<string | null, string | null | undefined, string | null>;
  installed_at: Date;
  uninstalled_at: Date | null;
  updated_at: Date;
}

export interface CompanyInstallsTable {
  company_id: string;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
  expires_at: Date | null;
  scope: string | null;
  status: InstallStatus;
  white_label_domain: ColumnType<string | null, string | null | undefined, string | null>;
  installed_at: Date;
  uninstalled_at: Date | null;
  updated_at: Date;
}

export interface LocationProblemsTable {
  location_id: string;
  code: string;
  detail: string;
  first_seen_at: Date;
  last_seen_at: Date;
}

export type SignatureKind = 'ed25519' | 'rsa';

export interface WebhookInboxTable {
  id: Generated<number>;
  webhook_id: string;
  type: string;
  location_id: string | null;
  body: ColumnType<unknown, string, string>;
  signature_kind: SignatureKind;
  received_at: Date;
  processed_at: Date | null;
  error: string | null;
  /** Stored processed, with no job: a text or email of a contact without any run (webhooks/inbox.ts). */
  quiet: Generated<boolean>;
}

export interface GhlTables {
  installations: InstallationsTable;
  company_installs: CompanyInstallsTable;
  location_problems: LocationProblemsTable;
  webhook_inbox: WebhookInboxTable;
}
