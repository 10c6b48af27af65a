import { init, parse } from 'es-module-lexer';

/** What one compiled ES module imports. */
export interface ModuleImports {
  /** Static imports, re-exports and dynamic imports with a literal specifier. */
  readonly specifiers: readonly string[];
  /** Dynamic imports whose specifier is computed at run time, so no scan can check them. */
  readonly computed: number;
}

/** The module specifiers of one ES module's source, read by a real lexer rather than by pattern. */
export async function moduleImports(source: string, name: string): Promise<ModuleImports> {
  await init();
  const [imports] = parse(source, name);
  const specifiers: string[] = [];
  let computed = 0;
  for (const i of imports) {
    if (i.type === 'import-meta') continue;
    if (i.type === 'dynamic' && (i.specifier === undefined || i.glob)) computed += 1;
    else if (i.specifier !== undefined) specifiers.push(i.specifier);
  }
  return { specifiers, computed };
}

/** `@scope/name` or `name` of a bare specifier such as `@azure/functions/x` or `lodash/fp`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}
