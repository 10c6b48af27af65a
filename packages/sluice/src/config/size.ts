const UNIT_BYTES: Record<string, number> = {
  b: 1, kb: 1000, mb: 1000 ** 2, gb: 1000 ** 3, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};

/** A byte size: a number, or text such as "65536", "512KB", "1MiB". Undefined when not a size. */
export function parseSize(value: string): number | undefined {
  const match = /^\s*(-?\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  if (!match) return undefined;
  const unit = UNIT_BYTES[(match[2] || 'b').toLowerCase()];
  return unit === undefined ? undefined : Math.round(Number(match[1]) * unit);
}
