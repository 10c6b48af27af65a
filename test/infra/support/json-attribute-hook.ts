/**
 * A module loader hook that gives JSON files of @actions/workflow-parser the `type: 'json'`
 * import attribute. The package imports its embedded workflow schema without it, which Node's
 * ESM loader refuses (actions/languageservices issue 387, open). Registered by
 * workflow-parser.ts; every other module loads unchanged.
 */
interface LoadContext {
  readonly importAttributes?: Record<string, string>;
  readonly [key: string]: unknown;
}
type NextLoad = (url: string, context: LoadContext) => Promise<unknown>;

export async function load(url: string, context: LoadContext, nextLoad: NextLoad): Promise<unknown> {
  if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json'))
    return nextLoad(url, { ...context, importAttributes: { ...context.importAttributes, type: 'json' } });
  return nextLoad(url, context);
}
