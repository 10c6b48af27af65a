/** Files a published library may hold: compiled modules, their declarations, and npm's own files. */
const RUNTIME_FILE = /^(dist\/.+\.(js|d\.ts)|package\.json|README(\.md)?|LICENSE(\.md|\.txt)?)$/;
/** Names that mark a file as a source, a test, build state or review material, wherever it sits. */
const NEVER_SHIPPED = /(^|\/)(src|test|tests|__tests__|review)\/|\.test\.js$|\.tsbuildinfo$|\.map$|(^|\/)tsconfig[^/]*\.json$|(^|\/)api-extractor[^/]*\.json$/;

/** Why each packed file should not be in the library's tarball; empty when the list is clean. */
export function packProblems(files: readonly string[]): string[] {
  const problems: string[] = [];
  for (const file of files) {
    if (NEVER_SHIPPED.test(file)) problems.push(`${file}: a source, test, map, build state or review file`);
    else if (!RUNTIME_FILE.test(file)) problems.push(`${file}: not a runtime file (dist .js/.d.ts, package.json, README, LICENSE)`);
  }
  return problems;
}

/** Every file a package.json `exports` map points at, with `./` removed. */
export function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports.replace(/^\.\//, '')];
  if (exports && typeof exports === 'object') return Object.values(exports).flatMap(exportTargets);
  return [];
}
