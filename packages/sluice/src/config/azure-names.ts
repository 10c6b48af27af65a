/**
 * Azure's naming rules for the storage resources Sluice creates. Each returns the broken rule in
 * words, or undefined when the name is valid, so the config error can say which rule failed.
 */
export function containerNameRule(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'a blob container name has 3 to 63 characters';
  if (!/^[a-z0-9-]+$/.test(name)) return 'a blob container name has only lowercase letters, digits and hyphens';
  if (!/^[a-z0-9]/.test(name) || name.endsWith('-')) return 'a blob container name starts and ends with a letter or digit';
  if (name.includes('--')) return 'a blob container name has no two hyphens in a row';
  return undefined;
}

export function tableNameRule(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'a table name has 3 to 63 characters';
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) return 'a table name starts with a letter and has only letters and digits';
  if (name.toLowerCase() === 'tables') return 'a table name cannot be "tables" (reserved)';
  return undefined;
}

/** Stream names become parts of blob names, table keys and the driver's instance id. */
export function streamNameRule(name: string): string | undefined {
  if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(name)) {
    return 'a stream name has 1 to 40 characters: lowercase letters, digits and hyphens, starting with a letter or digit';
  }
  return undefined;
}
