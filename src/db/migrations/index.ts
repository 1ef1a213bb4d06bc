/**
 * Migrations are imported statically (not read from a folder) so the same list runs on Node and
 * on Workers. Names are `<epoch>-<Name>`; Kysely runs them in name order.
 */
import type { Migration } from 'kysely';
import * as initial from './1763700000000-Initial.ts';
import * as billing from './1763800000000-Billing.ts';
import * as audit from './1763900000000-Audit.ts';
import * as shares from './1795282737152-Shares.ts';
import * as retention from './1795283000000-Retention.ts';
import * as fairShare from './1795290000000-FairShare.ts';
import * as foreignKeys from './1796168400000-ForeignKeys.ts';
import * as uploadPutState from './1796168500000-UploadPutState.ts';
import * as apiKeyScopes from './1796168600000-ApiKeyScopes.ts';
import * as atomicLedger from './1796168700000-AtomicLedger.ts';
import * as support from './1796200000000-Support.ts';
import * as pendingUploads from './1796300000000-PendingUploads.ts';

export const MIGRATIONS: Record<string, Migration> = {
  '1763700000000-Initial': initial,
  '1763800000000-Billing': billing,
  '1763900000000-Audit': audit,
  '1795282737152-Shares': shares,
  '1795283000000-Retention': retention,
  '1795290000000-FairShare': fairShare,
  '1796168400000-ForeignKeys': foreignKeys,
  '1796168500000-UploadPutState': uploadPutState,
  '1796168600000-ApiKeyScopes': apiKeyScopes,
  '1796168700000-AtomicLedger': atomicLedger,
  '1796200000000-Support': support,
  '1796300000000-PendingUploads': pendingUploads,
};
