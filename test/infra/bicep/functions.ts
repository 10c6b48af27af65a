import { createHash } from 'node:crypto';
import { sameValue, str, unknown, type Entry, type Value } from './values.js';
import type { Loc } from './diagnostic.js';

/**
 * Bicep's built-in functions, from the Bicep function reference
 * (learn.microsoft.com/azure/azure-resource-manager/bicep/bicep-functions). A call to any other
 * name is reported. The ones below with an implementation are evaluated when their arguments are
 * known; the rest give a value known only at deployment.
 */
export const BICEP_FUNCTIONS: ReadonlySet<string> = new Set([
  'any', 'array', 'base64', 'base64ToJson', 'base64ToString', 'bool', 'buildUri', 'coalesce', 'concat', 'contains',
  'dataUri', 'dataUriToString', 'dateTimeAdd', 'dateTimeFromEpoch', 'dateTimeToEpoch', 'deployer', 'deployment',
  'empty', 'endsWith', 'environment', 'extensionResourceId', 'filter', 'first', 'flatten', 'format', 'getSecret',
  'groupBy', 'guid', 'indexOf', 'int', 'intersection', 'items', 'join', 'json', 'last', 'lastIndexOf', 'length',
  'lambdaVariables', 'list', 'listKeys', 'listAccountSas', 'listServiceSas', 'loadFileAsBase64', 'loadJsonContent',
  'loadTextContent', 'loadYamlContent', 'managementGroup', 'managementGroupResourceId', 'map', 'mapValue', 'max',
  'min', 'newGuid', 'objectKeys', 'padLeft', 'parseCidr', 'pickZones', 'providers', 'range', 'readEnvironmentVariable',
  'reduce', 'reference', 'replace', 'resourceGroup', 'resourceId', 'shallowMerge', 'skip', 'sort', 'split',
  'startsWith', 'string', 'subscription', 'subscriptionResourceId', 'substring', 'take', 'tenant', 'tenantResourceId',
  'toLower', 'toObject', 'toUpper', 'trim', 'union', 'uniqueString', 'uri', 'uriComponent', 'uriComponentToString',
  'utcNow', 'cidrHost', 'cidrSubnet', 'externalInput', 'fail', 'nameof', 'tryGet', 'toJson', 'tryIndexFromEnd',
]);

/** Decorators Bicep knows. */
export const BICEP_DECORATORS: ReadonlySet<string> = new Set([
  'allowed', 'batchSize', 'description', 'discriminator', 'export', 'maxLength', 'maxValue', 'metadata', 'minLength',
  'minValue', 'onlyIfNotExists', 'sealed', 'secure', 'retryOn', 'waitUntil',
]);

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';
const digest = (parts: readonly string[]): Buffer => createHash('sha256').update(parts.join('\u0000')).digest();

/** Same length and alphabet as ARM's uniqueString (13 characters of a-z and 2-7); not the same value. */
function uniqueString(parts: readonly string[]): string {
  return [...digest(parts).subarray(0, 13)].map((b) => BASE32[b % 32]).join('');
}

/** Same shape as ARM's guid(); not the same value. */
function guid(parts: readonly string[]): string {
  const h = digest(parts).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The placeholder subscription and tenant of every scenario. */
export const SUBSCRIPTION_ID = '00000000-0000-0000-0000-0000000000a1';
export const TENANT_ID = '00000000-0000-0000-0000-0000000000b2';

const obj = (at: Loc, props: Record<string, Value>): Value => ({
  kind: 'object',
  props: new Map(Object.entries(props).map(([k, value]) => [k, { value, loc: at }])),
});

const known = (args: readonly Value[]): boolean => args.every((a) => a.kind !== 'unknown' && a.kind !== 'symbol');
const strings = (args: readonly Value[]): string[] | undefined =>
  args.every((a) => a.kind === 'string') ? args.map((a) => (a as { value: string }).value) : undefined;

/** Evaluates a built-in call. `at` is the call's location, for the entries of objects it builds. */
export function callBuiltin(name: string, args: readonly Value[], at: Loc): Value {
  const s = strings(args);
  switch (name) {
    case 'toLower':
      return s ? str(s[0]!.toLowerCase()) : unknown('string');
    case 'toUpper':
      return s ? str(s[0]!.toUpperCase()) : unknown('string');
    case 'trim':
      return s ? str(s[0]!.trim()) : unknown('string');
    case 'uniqueString':
      return s ? str(uniqueString(s)) : unknown('string');
    case 'guid':
      return s ? str(guid(s)) : unknown('string');
    case 'string': {
      const a = args[0];
      if (a?.kind === 'string') return a;
      if (a?.kind === 'int' || a?.kind === 'bool') return str(String(a.value));
      return unknown('string');
    }
    case 'int': {
      const a = args[0];
      if (a?.kind === 'int') return a;
      if (a?.kind === 'string' && /^-?\d+$/.test(a.value)) return { kind: 'int', value: Number(a.value) };
      return unknown('int');
    }
    case 'empty': {
      const a = args[0];
      if (a?.kind === 'string') return { kind: 'bool', value: a.value === '' };
      if (a?.kind === 'array') return { kind: 'bool', value: a.items.length === 0 };
      if (a?.kind === 'object') return { kind: 'bool', value: a.props.size === 0 };
      if (a?.kind === 'null') return { kind: 'bool', value: true };
      return unknown('bool');
    }
    case 'length': {
      const a = args[0];
      if (a?.kind === 'string') return { kind: 'int', value: a.value.length };
      if (a?.kind === 'array') return { kind: 'int', value: a.items.length };
      if (a?.kind === 'object') return { kind: 'int', value: a.props.size };
      return unknown('int');
    }
    case 'contains': {
      const [c, x] = args;
      if (c?.kind === 'string' && x?.kind === 'string') return { kind: 'bool', value: c.value.includes(x.value) };
      if (c?.kind === 'object' && x?.kind === 'string') return { kind: 'bool', value: c.props.has(x.value) };
      if (c?.kind === 'array' && x && known([x])) {
        const hits = c.items.map((i) => sameValue(i.value, x));
        if (hits.includes(true)) return { kind: 'bool', value: true };
        if (hits.every((h) => h === false)) return { kind: 'bool', value: false };
      }
      return unknown('bool');
    }
    case 'startsWith':
      return s ? { kind: 'bool', value: s[0]!.toLowerCase().startsWith(s[1]!.toLowerCase()) } : unknown('bool');
    case 'endsWith':
      return s ? { kind: 'bool', value: s[0]!.toLowerCase().endsWith(s[1]!.toLowerCase()) } : unknown('bool');
    case 'replace':
      return s ? str(s[0]!.split(s[1]!).join(s[2]!)) : unknown('string');
    case 'format':
      return s ? str(s[0]!.replace(/\{(\d+)\}/g, (_, i: string) => s[Number(i) + 1] ?? '')) : unknown('string');
    case 'substring': {
      const [t, from, len] = args;
      if (t?.kind === 'string' && from?.kind === 'int' && (len === undefined || len.kind === 'int'))
        return str(t.value.substr(from.value, len?.kind === 'int' ? len.value : undefined));
      return unknown('string');
    }
    case 'take':
    case 'skip': {
      const [t, n] = args;
      if (n?.kind === 'int' && t?.kind === 'string') return str(name === 'take' ? t.value.slice(0, n.value) : t.value.slice(n.value));
      if (n?.kind === 'int' && t?.kind === 'array')
        return { kind: 'array', items: name === 'take' ? t.items.slice(0, n.value) : t.items.slice(n.value) };
      return unknown(t?.kind === 'array' ? 'array' : t?.kind === 'string' ? 'string' : 'any');
    }
    case 'join': {
      const [a, sep] = args;
      if (a?.kind === 'array' && sep?.kind === 'string') {
        const parts = strings(a.items.map((i) => i.value));
        if (parts) return str(parts.join(sep.value));
      }
      return unknown('string');
    }
    case 'split': {
      const [t, sep] = args;
      if (t?.kind === 'string' && sep?.kind === 'string')
        return { kind: 'array', items: t.value.split(sep.value).map((p) => ({ value: str(p), loc: at })) };
      return unknown('array');
    }
    case 'concat': {
      if (s) return str(s.join(''));
      if (args.every((a) => a.kind === 'array')) return { kind: 'array', items: args.flatMap((a) => (a.kind === 'array' ? a.items : [])) };
      return unknown(args[0]?.kind === 'array' ? 'array' : 'string');
    }
    case 'union': {
      if (args.every((a) => a.kind === 'object')) {
        const props = new Map<string, Entry>();
        for (const a of args) if (a.kind === 'object') for (const [k, e] of a.props) props.set(k, e);
        return { kind: 'object', props };
      }
      if (args.every((a) => a.kind === 'array')) {
        const items: Entry[] = [];
        for (const a of args)
          if (a.kind === 'array') for (const e of a.items) if (!items.some((i) => sameValue(i.value, e.value) === true)) items.push(e);
        return { kind: 'array', items };
      }
      return unknown(args.some((a) => a.kind === 'array' || (a.kind === 'unknown' && a.of === 'array')) ? 'array' : 'object');
    }
    case 'coalesce':
      return args.find((a) => a.kind !== 'null') ?? { kind: 'null' };
    case 'first':
    case 'last': {
      const a = args[0];
      if (a?.kind === 'array') {
        const e = name === 'first' ? a.items[0] : a.items[a.items.length - 1];
        return e ? e.value : { kind: 'null' };
      }
      if (a?.kind === 'string') return str(name === 'first' ? a.value.slice(0, 1) : a.value.slice(-1));
      return unknown();
    }
    case 'min':
    case 'max': {
      const nums = (args.length === 1 && args[0]?.kind === 'array' ? args[0].items.map((i) => i.value) : args).map((a) =>
        a.kind === 'int' ? a.value : undefined,
      );
      if (nums.every((n) => n !== undefined) && nums.length > 0)
        return { kind: 'int', value: name === 'min' ? Math.min(...(nums as number[])) : Math.max(...(nums as number[])) };
      return unknown('int');
    }
    case 'range': {
      const [from, count] = args;
      if (from?.kind === 'int' && count?.kind === 'int')
        return { kind: 'array', items: Array.from({ length: count.value }, (_, i) => ({ value: { kind: 'int', value: from.value + i }, loc: at })) };
      return unknown('array');
    }
    case 'array':
      return args[0]?.kind === 'array' ? args[0] : args[0] && known(args) ? { kind: 'array', items: [{ value: args[0], loc: at }] } : unknown('array');
    case 'subscription':
      return obj(at, {
        id: str(`/subscriptions/${SUBSCRIPTION_ID}`),
        subscriptionId: str(SUBSCRIPTION_ID),
        tenantId: str(TENANT_ID),
        displayName: unknown('string'),
      });
    case 'tenant':
      return obj(at, { tenantId: str(TENANT_ID), displayName: unknown('string'), countryCode: unknown('string') });
    case 'resourceGroup':
      return obj(at, { id: unknown('string'), name: unknown('string'), location: unknown('string'), type: str('Microsoft.Resources/resourceGroups'), tags: unknown('object'), properties: unknown('object') });
    case 'deployment':
      return obj(at, { name: unknown('string'), properties: unknown('object'), location: unknown('string') });
    case 'subscriptionResourceId':
    case 'resourceId':
    case 'tenantResourceId':
    case 'extensionResourceId':
      return s && name === 'subscriptionResourceId' && s.length === 2
        ? str(`/subscriptions/${SUBSCRIPTION_ID}/providers/${s[0]}/${s[1]}`)
        : unknown('string');
    case 'newGuid':
    case 'utcNow':
    case 'base64':
    case 'uri':
    case 'uriComponent':
    case 'dataUri':
    case 'padLeft':
    case 'dateTimeAdd':
    case 'loadTextContent':
    case 'loadFileAsBase64':
      return unknown('string');
    case 'bool':
      return args[0]?.kind === 'bool' ? args[0] : unknown('bool');
    // items, flatten and the lambda functions are evaluated by TemplateRun, which has the lambdas' scope.
    case 'objectKeys':
    case 'pickZones':
      return unknown('array');
    case 'indexOf':
    case 'lastIndexOf': {
      const [within, what] = args;
      if (within?.kind === 'string' && what?.kind === 'string') {
        // ARM compares strings without case here.
        const [w, x] = [within.value.toLowerCase(), what.value.toLowerCase()];
        return { kind: 'int', value: name === 'indexOf' ? w.indexOf(x) : w.lastIndexOf(x) };
      }
      if (within?.kind === 'array' && what && known([what])) {
        const hits = within.items.map((i) => sameValue(i.value, what));
        if (!hits.includes(undefined)) return { kind: 'int', value: name === 'indexOf' ? hits.indexOf(true) : hits.lastIndexOf(true) };
      }
      return unknown('int');
    }
    case 'dateTimeToEpoch':
      return unknown('int');
    default:
      return unknown();
  }
}
