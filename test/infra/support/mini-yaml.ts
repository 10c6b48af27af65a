/**
 * Reads the block-mapping subset of YAML that azure.yaml uses: nested `key: value` and `key:`
 * lines, `#` comments, plain or quoted scalars. Sequences, flow style and multi-line scalars
 * throw, so a richer azure.yaml makes the test fail rather than be misread.
 */
export type YamlMap = { [key: string]: YamlValue };
export type YamlValue = string | YamlMap;

export function parseMiniYaml(text: string): YamlMap {
  const root: YamlMap = {};
  const stack: { indent: number; map: YamlMap }[] = [{ indent: -1, map: root }];
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n]!;
    const line = stripComment(raw);
    if (line.trim() === '') continue;
    const indent = line.length - line.trimStart().length;
    const body = line.trim();
    if (body.startsWith('- ') || body === '-' || /^[[{]/.test(body)) {
      throw new Error(`azure.yaml:${n + 1}: sequences and flow style are not supported by this reader`);
    }
    const m = /^([A-Za-z0-9_.-]+)\s*:(?:\s+(.*))?$/.exec(body);
    if (!m) throw new Error(`azure.yaml:${n + 1}: cannot read "${body}"`);
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const parent = stack[stack.length - 1]!.map;
    const key = m[1]!;
    if (key in parent) throw new Error(`azure.yaml:${n + 1}: duplicate key "${key}"`);
    const value = m[2];
    if (value === undefined || value === '') {
      const child: YamlMap = {};
      parent[key] = child;
      stack.push({ indent, map: child });
    } else {
      if (value === '|' || value === '>') throw new Error(`azure.yaml:${n + 1}: block scalars are not supported`);
      parent[key] = unquote(value);
    }
  }
  return root;
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

function unquote(value: string): string {
  const v = value.trim();
  if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) return v.slice(1, -1);
  return v;
}

/** Follows keys through nested maps; undefined when a key is missing or a scalar is in the way. */
export function yamlPath(map: YamlMap, ...keys: string[]): YamlValue | undefined {
  let node: YamlValue | undefined = map;
  for (const key of keys) {
    if (node === undefined || typeof node === 'string') return undefined;
    node = node[key];
  }
  return node;
}
