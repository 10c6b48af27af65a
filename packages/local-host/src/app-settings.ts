import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type AppSettings = Readonly<Record<string, string>>;

/**
 * The settings an app sees, as Core Tools builds them: local.settings.json `Values`, overridden
 * by the given environment (normally process.env).
 */
export function loadAppSettings(appDir: string, env: Readonly<Record<string, string | undefined>>): AppSettings {
  const settings: Record<string, string> = {};
  const path = join(appDir, 'local.settings.json');
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    // local.settings.json is optional (it is never deployed).
  }
  if (text !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`${path} is not valid JSON: ${(error as Error).message}`);
    }
    const values = (parsed as { Values?: unknown } | null)?.Values;
    if (values && typeof values === 'object') {
      for (const [key, value] of Object.entries(values)) {
        if (value !== null && value !== undefined) settings[key] = String(value);
      }
    }
  }
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) settings[key] = value;
  }
  return settings;
}

const SETTING_REFERENCE = /%([^%]+)%/g;

/** Replaces every `%NAME%` in `value` by the setting NAME; a missing setting is an error. */
export function resolveSettingReferences(value: string, settings: AppSettings, where: string): string {
  return value.replace(SETTING_REFERENCE, (_match, name: string) => {
    const resolved = settings[name];
    if (resolved === undefined) {
      throw new Error(`${where} refers to %${name}%, but no app setting "${name}" is defined`);
    }
    return resolved;
  });
}

/** Resolves `%NAME%` in a binding's string (and string array) options, as the host does at indexing. */
export function resolveBindingSettings<T extends Record<string, unknown>>(
  binding: T,
  settings: AppSettings,
  where: string,
): T {
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(binding)) {
    if (typeof value === 'string') {
      resolved[key] = resolveSettingReferences(value, settings, `${where} option "${key}"`);
    } else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      resolved[key] = value.map((v: string) => resolveSettingReferences(v, settings, `${where} option "${key}"`));
    } else {
      resolved[key] = value;
    }
  }
  return resolved as T;
}
