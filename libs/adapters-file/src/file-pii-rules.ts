import type { PiiRuleConfig } from '@ocs/chat-domain';
import { randomBytes } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readIfExists, syncDirectory, writeAtomically } from './file-io';

/**
 * The PII rule sets of the embedded UCS: one JSON file per tenant, `tenant-<dbid>.json`, replaced whole by a rename.
 * Each read opens the file afresh, so a set written by another process (the operator's command while the product
 * runs) is what the next read finds; a reader never sees half a file.
 */
export class FilePiiRules {
  constructor(private readonly directory: string) {}

  async get(tenantDbid: number): Promise<PiiRuleConfig[] | undefined> {
    const content = await readIfExists(this.path(tenantDbid));
    if (!content) return undefined;
    try {
      return JSON.parse(content.toString('utf8')) as PiiRuleConfig[];
    } catch (error) {
      throw new Error(`PII rules of tenant ${tenantDbid} in ${this.path(tenantDbid)} are not JSON: ${String(error)}`);
    }
  }

  async save(tenantDbid: number, rules: readonly PiiRuleConfig[] | undefined): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    if (rules === undefined) {
      await rm(this.path(tenantDbid), { force: true });
      await syncDirectory(this.directory);
      return;
    }
    const temp = join(this.directory, `.tenant-${tenantDbid}.${randomBytes(6).toString('hex')}.tmp`);
    await writeAtomically(temp, this.path(tenantDbid), Buffer.from(JSON.stringify(rules, null, 2)));
  }

  private path(tenantDbid: number): string {
    if (!Number.isInteger(tenantDbid)) throw new Error(`tenant dbid must be a whole number, not ${tenantDbid}`);
    return join(this.directory, `tenant-${tenantDbid}.json`);
  }
}
