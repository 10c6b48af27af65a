import { pathCovers } from './sas-auth.js';

/** What a connection proved through CBS put-token: entity paths, each until its token expires. */
export class ConnectionGrants {
  private readonly grants = new Map<string, number>();

  grant(path: string, expiresAtMs: number): void {
    this.grants.set(path, Math.max(expiresAtMs, this.grants.get(path) ?? 0));
  }

  allows(path: string, nowMs: number): boolean {
    for (const [grantPath, expiresAt] of this.grants) {
      if (expiresAt > nowMs && pathCovers(grantPath, path)) return true;
    }
    return false;
  }
}
