import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shared Access Signature checks, as Event Hubs does them: the token is
 * `SharedAccessSignature sr=<url-encoded resource>&sig=<url-encoded base64 HMAC>&se=<expiry s>&skn=<key name>`
 * and the signature is HMAC-SHA256(key, sr + "\n" + se) with sr exactly as it appears in the token.
 */
export interface SasKey {
  keyName: string;
  key: string;
}

export type SasCheck =
  | { ok: true; resource: string; expiresAtMs: number }
  | { ok: false; reason: string };

export function verifySasToken(token: unknown, key: SasKey, nowMs: number): SasCheck {
  if (typeof token !== 'string' || !token.startsWith('SharedAccessSignature ')) {
    return { ok: false, reason: 'the token is not a SharedAccessSignature' };
  }
  const fields = new Map<string, string>();
  for (const part of token.slice('SharedAccessSignature '.length).trim().split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (sr === undefined || sig === undefined || se === undefined || skn === undefined) {
    return { ok: false, reason: 'the token lacks one of sr, sig, se, skn' };
  }
  if (safeDecode(skn) !== key.keyName) return { ok: false, reason: `unknown key name "${safeDecode(skn)}"` };
  const expirySeconds = Number(se);
  if (!Number.isFinite(expirySeconds)) return { ok: false, reason: 'the token expiry (se) is not a number' };
  const expected = createHmac('sha256', key.key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(safeDecode(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'the token signature does not match the key' };
  }
  if (expirySeconds * 1000 <= nowMs) return { ok: false, reason: 'the token has expired' };
  return { ok: true, resource: safeDecode(sr), expiresAtMs: expirySeconds * 1000 };
}

/**
 * The entity path of an audience or resource URI, lower-cased and without scheme, host or
 * trailing slash: "sb://localhost:5672/Hub/Partitions/0" -> "hub/partitions/0".
 */
export function entityPathOf(uri: string): string {
  const noScheme = uri.replace(/^[a-z]+:\/\//i, '');
  const slash = noScheme.indexOf('/');
  const path = slash < 0 ? '' : noScheme.slice(slash + 1);
  return path.replace(/\/+$/, '').toLowerCase();
}

/** True when a grant for `grantPath` covers `path` (same path or an ancestor, "" is the namespace). */
export function pathCovers(grantPath: string, path: string): boolean {
  return grantPath === '' || path === grantPath || path.startsWith(`${grantPath}/`);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
