/**
 * Route templates as the Functions host accepts them: literal segments, `{name}`, optional
 * `{name?}`, constraints `{name:int}` (int, alpha, bool, guid, long, double; others match any
 * segment) and catch-all `{*name}`. Matching is case-insensitive, like ASP.NET routing.
 */
export interface CompiledRoute {
  readonly template: string;
  /** Higher runs first: more literal segments, fewer parameters, catch-all last. */
  readonly precedence: number;
  match(pathname: string): Record<string, string> | undefined;
}

const CONSTRAINTS: Record<string, string> = {
  int: '-?\\d+',
  long: '-?\\d+',
  double: '-?\\d+(?:\\.\\d+)?',
  alpha: '[a-zA-Z]+',
  bool: '(?:true|false)',
  guid: '[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}',
};

const PARAMETER = /\{(\*)?([A-Za-z_][\w]*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}/g;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles `prefix/route` (either may be empty) into a matcher for URL pathnames. */
export function compileRoute(routePrefix: string, route: string): CompiledRoute {
  const template = [routePrefix, route].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/');
  const names: string[] = [];
  let source = '';
  let literals = 0;
  let parameters = 0;
  let catchAll = false;
  for (const segment of template.split('/').filter(Boolean)) {
    const whole = /^\{(\*)?([A-Za-z_]\w*)(?::([A-Za-z]+)(?:\([^)]*\))?)?(\?)?\}$/.exec(segment);
    if (whole) {
      const [, star, name, constraint, optional] = whole;
      names.push(name as string);
      parameters++;
      if (star) {
        catchAll = true;
        source += '(?:/(.*))?';
      } else {
        const value = CONSTRAINTS[constraint?.toLowerCase() ?? ''] ?? '[^/]+';
        source += optional ? `(?:/(${value}))?` : `/(${value})`;
      }
      continue;
    }
    if (!segment.includes('{')) {
      literals++;
      source += `/${escapeRegExp(segment)}`;
      continue;
    }
    // A segment mixing text and parameters, e.g. "file.{ext}".
    let last = 0;
    let piece = '/';
    for (const m of segment.matchAll(PARAMETER)) {
      piece += escapeRegExp(segment.slice(last, m.index));
      names.push(m[2] as string);
      parameters++;
      piece += `(${CONSTRAINTS[m[3]?.toLowerCase() ?? ''] ?? '[^/]+?'})`;
      last = (m.index ?? 0) + m[0].length;
    }
    source += piece + escapeRegExp(segment.slice(last));
  }
  const regex = new RegExp(`^${source}/?$`, 'i');
  return {
    template,
    precedence: literals * 1000 - parameters - (catchAll ? 500 : 0),
    match(pathname) {
      const m = regex.exec(pathname === '' ? '/' : pathname);
      if (!m) return undefined;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        const value = m[i + 1];
        if (value !== undefined && value !== '') params[name] = safeDecode(value);
      });
      return params;
    },
  };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
