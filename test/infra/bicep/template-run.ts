import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { ObjectTypePropertyFlags, ScopeType } from 'bicep-types';
import type { Diagnostics, Loc } from './diagnostic.js';
import { callBuiltin } from './functions.js';
import { callWithLambdas, flattenOf, itemsOf, LAMBDA_FUNCTIONS, type Lambda } from './lambdas.js';
import { checkParamValue, type ParamRules } from './param-check.js';
import { lineOf, type ModuleDecl, type Node, type ParamDecl, type ResourceDecl, type Template } from './template.js';
import { checkAgainstType, findProperty, propertiesOf } from './type-check.js';
import { resolve, type FoundResource, type TypeStore } from './type-store.js';
import { fromJson, kindOf, sameValue, show, str, unknown, type Entry, type Kind, type Value } from './values.js';

/** What every template run of one check shares. */
export interface RunContext {
  /** The folder the checked infra/ lives in; template files are named relative to it. */
  readonly root: string;
  readonly types: TypeStore;
  readonly out: Diagnostics;
  /** Parses (once) the template at a root-relative path. */
  load(file: string): Template;
  /** When given, every resource instance a run deploys or reads is added here. */
  readonly deployed?: DeployedResource[];
}

/** One resource instance as ARM would deploy it in a scenario: what a test can compare with the app. */
export interface DeployedResource {
  /** The template that declares it, root-relative. */
  readonly file: string;
  /** `Microsoft.X/y/z` without the API version. */
  readonly type: string;
  /** The full name, its parents' names first (`namespace/hub/group`), or undefined when known only at deployment. */
  readonly name: string | undefined;
  readonly existing: boolean;
  readonly body: Value;
}

/** One evaluated instance of a resource or module body (one per loop item). */
interface Instance {
  readonly value: Value;
  /** False when its `if` condition is known to be false in this scenario. */
  readonly deployed: boolean;
}

interface ResourceState {
  readonly decl: ResourceDecl;
  readonly found: FoundResource | undefined;
  readonly instances: readonly Instance[];
  /** Each instance's full name, parents first, when known. */
  readonly names: readonly (string | undefined)[];
}

const SCOPE_BITS: Readonly<Record<string, number>> = {
  tenant: ScopeType.Tenant,
  managementGroup: ScopeType.ManagementGroup,
  subscription: ScopeType.Subscription,
  resourceGroup: ScopeType.ResourceGroup,
};

/** Keys of a resource body that Bicep handles itself; the rest go to ARM and are checked against the type. */
const BICEP_RESOURCE_KEYS = new Set(['parent', 'scope', 'dependsOn']);
const MODULE_KEYS = new Set(['name', 'params', 'scope', 'dependsOn', 'identity']);
const PRIMITIVES = new Set(['string', 'int', 'bool', 'object', 'array']);

const BINARY_INT: Readonly<Record<string, (a: number, b: number) => number>> = {
  '+': (a, b) => a + b,
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => Math.trunc(a / b),
  '%': (a, b) => a % b,
};
const COMPARE: Readonly<Record<string, (c: number) => boolean>> = {
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/**
 * Evaluates one template with given parameter values, as ARM would deploy it, and checks it:
 * parameters against their types and limits, resource bodies against Azure's types, reads of
 * resource properties and module outputs, module calls against the called template's
 * parameters, and outputs against their declared types. Values ARM only knows at deployment
 * (ids, endpoints) stay unknown but keep their kind, so their use is still checked.
 */
export class TemplateRun {
  private readonly paramCache = new Map<string, Value>();
  private readonly varCache = new Map<string, Value>();
  private readonly resourceCache = new Map<string, ResourceState>();
  private readonly moduleCache = new Map<string, Map<string, Value>>();
  private readonly busy = new Set<string>();
  readonly outputs = new Map<string, Value>();

  constructor(
    private readonly ctx: RunContext,
    readonly t: Template,
    /** Parameter values given by the caller, with where they were written. */
    private readonly given: ReadonlyMap<string, Entry>,
    /** How diagnostics about parameters name the caller, e.g. `module 'storage'`. */
    private readonly caller: string,
  ) {}

  /** Evaluates and checks every declaration. */
  run(): void {
    for (const name of this.t.params.keys()) this.param(name);
    for (const name of this.t.vars.keys()) this.variable(name);
    for (const name of this.t.resources.keys()) this.resource(name);
    for (const name of this.t.modules.keys()) this.module(name);
    for (const o of this.t.outputs.values()) {
      const value = this.eval(o.value, new Map());
      const kind = kindOf(value);
      if (PRIMITIVES.has(o.type) && kind !== 'any' && kind !== o.type)
        this.report(o.loc, `output '${o.name}' is declared ${o.type} but its value is ${show(value)}`);
      this.outputs.set(o.name, value);
    }
  }

  private report(at: Loc, message: string): void {
    this.ctx.out.add(at, message);
  }

  private at(node: Node): Loc {
    return { file: this.t.file, line: lineOf(node) };
  }

  /** Evaluates a declaration once; a declaration that needs itself is reported. */
  private once<T>(cache: Map<string, T>, key: string, loc: Loc, compute: () => T, fallback: T): T {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (this.busy.has(key)) {
      this.report(loc, `'${key.split(':')[1]}' depends on itself`);
      return fallback;
    }
    this.busy.add(key);
    try {
      const value = compute();
      cache.set(key, value);
      return value;
    } finally {
      this.busy.delete(key);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Parameters
  // ---------------------------------------------------------------------------------------------

  /** The parameter's type and limits, from its declaration and decorators. */
  rules(p: ParamDecl): ParamRules {
    const arg = (name: string): Value | undefined => {
      const d = p.decorators.find((x) => x.name === name);
      return d?.args[0] ? this.eval(d.args[0], new Map()) : undefined;
    };
    const num = (name: string): number | undefined => {
      const v = arg(name);
      return v?.kind === 'int' ? v.value : undefined;
    };
    const allowed = arg('allowed');
    const rules: { -readonly [K in keyof ParamRules]: ParamRules[K] } = { type: p.type, nullable: p.nullable };
    if (allowed?.kind === 'array') rules.allowed = allowed.items.map((i) => i.value);
    for (const key of ['minValue', 'maxValue', 'minLength', 'maxLength'] as const) {
      const n = num(key);
      if (n !== undefined) rules[key] = n;
    }
    return rules;
  }

  private param(name: string): Value {
    const p = this.t.params.get(name);
    if (!p) return unknown();
    return this.once(this.paramCache, `param:${name}`, p.loc, () => {
      const given = this.given.get(name);
      const rules = this.rules(p);
      if (given) {
        checkParamValue(`${this.caller}: parameter '${name}' of ${this.t.file}`, rules, given.value, given.loc, this.ctx.out);
        return given.value;
      }
      if (p.defaultValue) {
        const value = this.eval(p.defaultValue, new Map());
        checkParamValue(`default of parameter '${name}'`, rules, value, p.loc, this.ctx.out);
        return value;
      }
      if (p.nullable) return { kind: 'null' };
      return unknown(PRIMITIVES.has(p.type) ? (p.type as Kind) : 'any');
    }, unknown());
  }

  private variable(name: string): Value {
    const v = this.t.vars.get(name);
    if (!v) return unknown();
    return this.once(this.varCache, `var:${name}`, v.loc, () => this.eval(v.value, new Map()), unknown());
  }

  // ---------------------------------------------------------------------------------------------
  // Resources and modules
  // ---------------------------------------------------------------------------------------------

  /** The instances a resource or module body stands for: one, none or one per loop item. */
  private instances(body: Node, locals: ReadonlyMap<string, Value>): Instance[] {
    if (body.type === 'object') return [{ value: this.eval(body, locals), deployed: true }];
    if (body.type === 'if_statement') {
      const [condition, object] = body.namedChildren.filter((c) => c.type !== 'comment');
      const c = condition ? this.eval(condition, locals) : unknown('bool');
      const inner = object ? this.instances(object, locals) : [];
      return inner.map((i) => ({ value: i.value, deployed: i.deployed && !(c.kind === 'bool' && !c.value) }));
    }
    if (body.type === 'for_statement') {
      const { names, iterable, inner } = this.loopParts(body);
      const items = iterable ? this.eval(iterable, locals) : unknown('array');
      if (!inner) return [];
      if (items.kind === 'array')
        return items.items.flatMap((item, i) => this.instances(inner, this.bind(locals, names, item.value, { kind: 'int', value: i })));
      return this.instances(inner, this.bind(locals, names, unknown(), unknown('int')));
    }
    this.report(this.at(body), `a body of type '${body.type}' is not understood`);
    return [];
  }

  private loopParts(node: Node): { names: string[]; iterable: Node | undefined; inner: Node | undefined } {
    const children = node.children;
    const inAt = children.findIndex((c) => c.type === 'in');
    const names = children
      .slice(0, inAt)
      .flatMap((c) => (c.type === 'identifier' || c.type === 'loop_variable' || c.type === 'loop_enumerator' ? [c] : c.descendantsOfType(['identifier', 'loop_variable', 'loop_enumerator'])))
      .map((c) => c.text);
    const iterable = children.slice(inAt + 1).find((c) => c.isNamed && c.type !== 'comment');
    return { names, iterable, inner: node.childForFieldName('body') ?? undefined };
  }

  private bind(locals: ReadonlyMap<string, Value>, names: readonly string[], item: Value, index: Value): Map<string, Value> {
    const next = new Map(locals);
    if (names[0]) next.set(names[0], item);
    if (names[1]) next.set(names[1], index);
    return next;
  }

  private resource(name: string): ResourceState | undefined {
    const decl = this.t.resources.get(name);
    if (!decl) return undefined;
    const empty: ResourceState = { decl, found: undefined, instances: [], names: [] };
    return this.once(this.resourceCache, `resource:${name}`, decl.loc, () => {
      const found = this.ctx.types.find(decl.typeKey);
      if (!found)
        this.report(
          decl.loc,
          `resource '${name}': ${decl.typeKey} is not in Azure's type data (infra/types): either no such type and API version exists, ` +
            'or the trimmed copy needs regenerating: npm run infra:types -- --source <bicep-types-az>',
        );
      const instances = this.instances(decl.body, new Map());
      if (found) for (const i of instances) if (i.deployed) this.checkResource(decl, found, i.value);
      const names = instances.map((i) => this.fullName(i.value));
      const type = decl.typeKey.split('@')[0]!;
      instances.forEach((i, n) => {
        if (i.deployed) this.ctx.deployed?.push({ file: this.t.file, type, name: names[n], existing: decl.existing, body: i.value });
      });
      return { decl, found, instances, names };
    }, empty);
  }

  /** A resource instance's full name: its parent's full name (the instance `parent:` picks), then its own. */
  private fullName(body: Value): string | undefined {
    const own = body.kind === 'object' ? body.props.get('name')?.value : undefined;
    if (own?.kind !== 'string') return undefined;
    const parent = body.kind === 'object' ? body.props.get('parent')?.value : undefined;
    if (parent?.kind !== 'symbol') return own.value;
    const state = this.resource(parent.symbol);
    const parentName = parent.what === 'collection' ? undefined : state?.names[parent.index ?? 0];
    return parentName === undefined ? undefined : `${parentName}/${own.value}`;
  }

  private checkResource(decl: ResourceDecl, found: FoundResource, value: Value): void {
    if (value.kind !== 'object') return this.report(decl.loc, `resource '${decl.name}': its body is not an object`);
    const armProps = new Map([...value.props].filter(([k]) => !BICEP_RESOURCE_KEYS.has(k)));
    const parent = value.props.get('parent');
    if (parent) {
      const p = parent.value.kind === 'symbol' ? this.resource(parent.value.symbol) : undefined;
      const parentType = p?.decl.typeKey.split('@')[0]?.toLowerCase();
      const ownType = decl.typeKey.split('@')[0]!.toLowerCase();
      if (!p) this.report(parent.loc, `resource '${decl.name}': parent must name a resource, got ${show(parent.value)}`);
      else if (ownType.slice(0, ownType.lastIndexOf('/')) !== parentType)
        this.report(parent.loc, `resource '${decl.name}': ${decl.typeKey} cannot be a child of ${p.decl.typeKey}`);
    }
    // A child resource is named by its last segment under `parent:`, or by all its segments without one.
    const nameEntry = value.props.get('name');
    const segments = decl.typeKey.split('@')[0]!.split('/').length - 1;
    if (nameEntry?.value.kind === 'string') {
      const given = nameEntry.value.value.split('/').length;
      const want = parent ? 1 : segments;
      if (given !== want)
        this.report(
          nameEntry.loc,
          `resource '${decl.name}': the name ${show(nameEntry.value)} has ${given} segment(s); a ${decl.typeKey.split('@')[0]} ` +
            (parent ? 'under parent: takes 1' : `without parent: takes ${segments}, or set parent:`),
        );
    }
    const dependsOn = value.props.get('dependsOn')?.value;
    for (const dep of dependsOn?.kind === 'array' ? dependsOn.items : [])
      if (dep.value.kind !== 'symbol') this.report(dep.loc, `resource '${decl.name}': dependsOn items must name resources or modules, got ${show(dep.value)}`);
    const scope = value.props.get('scope');
    const scopes = decl.existing ? found.resource.readableScopes : found.resource.writableScopes;
    const needed = scope?.value.kind === 'symbol' && scope.value.what !== 'module' ? ScopeType.Extension : (SCOPE_BITS[this.t.targetScope] ?? 0);
    if (!scope || needed === ScopeType.Extension)
      if ((scopes & needed) === 0)
        this.report(decl.loc, `resource '${decl.name}': ${decl.typeKey} cannot be ${decl.existing ? 'read' : 'deployed'} at ${needed === ScopeType.Extension ? 'the scope of another resource' : `${this.t.targetScope} scope`}`);
    const body = resolve(found.file, found.resource.body);
    if (decl.existing) {
      // An existing resource only names what it refers to.
      for (const [key, entry] of armProps)
        if (key !== 'name') this.report(entry.loc, `resource '${decl.name}' is existing: '${key}' cannot be set`);
      const nameProp = propertiesOf(found.file, body, value)?.props['name'];
      const nameEntry = armProps.get('name');
      if (nameProp && nameEntry) checkAgainstType(found.file, nameProp.type, nameEntry.value, `${decl.name}.name`, nameEntry.loc, this.ctx.out);
      else if (!nameEntry) this.report(decl.loc, `resource '${decl.name}': the required property 'name' is missing`);
      return;
    }
    checkAgainstType(found.file, found.resource.body, { kind: 'object', props: armProps }, decl.name, decl.loc, this.ctx.out);
  }

  /** A module call: checked against the called template, which is then run with the given parameters. Returns its outputs. */
  private module(name: string): Map<string, Value> {
    const decl = this.t.modules.get(name);
    if (!decl) return new Map();
    return this.once(this.moduleCache, `module:${name}`, decl.loc, () => this.runModule(decl), new Map<string, Value>());
  }

  private runModule(decl: ModuleDecl): Map<string, Value> {
    const file = normalize(join(dirname(this.t.file), decl.path));
    if (!existsSync(join(this.ctx.root, file))) {
      this.report(decl.loc, `module '${decl.name}': ${file} does not exist`);
      return new Map();
    }
    const child = this.ctx.load(file);
    const runs = this.instances(decl.body, new Map()).map((instance) => {
      const value = instance.value;
      const props = value.kind === 'object' ? value.props : new Map<string, Entry>();
      for (const [key, entry] of props) if (!MODULE_KEYS.has(key)) this.report(entry.loc, `module '${decl.name}': '${key}' is not a module property`);
      if (child.targetScope !== this.t.targetScope && !props.has('scope'))
        this.report(decl.loc, `module '${decl.name}': ${file} targets ${child.targetScope} scope, so the call needs a scope from this ${this.t.targetScope} template`);
      const paramsEntry = props.get('params');
      const given = new Map<string, Entry>();
      if (paramsEntry && paramsEntry.value.kind === 'object') for (const [k, e] of paramsEntry.value.props) given.set(k, e);
      else if (paramsEntry && paramsEntry.value.kind !== 'unknown') this.report(paramsEntry.loc, `module '${decl.name}': params must be an object`);
      for (const [key, entry] of given)
        if (!child.params.has(key)) this.report(entry.loc, `module '${decl.name}': ${file} declares no parameter '${key}'`);
      for (const p of child.params.values())
        if (!given.has(p.name) && !p.defaultValue && !p.nullable)
          this.report(decl.loc, `module '${decl.name}': the required parameter '${p.name}' of ${file} is not given`);
      const run = new TemplateRun(this.ctx, child, given, `module '${decl.name}' in ${this.t.file}`);
      run.run();
      return run;
    });
    return runs[0]?.outputs ?? new Map();
  }

  // ---------------------------------------------------------------------------------------------
  // Reads: resource properties, module outputs, object members
  // ---------------------------------------------------------------------------------------------

  /** `symbol.property` for a resource: the property must exist in its Azure type and be readable. */
  private readResource(state: ResourceState, property: string, at: Loc, index = 0): Value {
    const first = state.instances[index]?.value;
    const written = first?.kind === 'object' ? first.props.get(property)?.value : undefined;
    if (property === 'name') return written ?? unknown('string');
    if (property === 'id' || property === 'apiVersion') return unknown('string');
    if (property === 'type') return str(state.decl.typeKey.split('@')[0]!);
    if (!state.found) return unknown();
    const shape = propertiesOf(state.found.file, resolve(state.found.file, state.found.resource.body), first);
    const prop = shape ? findProperty(shape.props, property) : undefined;
    if (!prop) {
      this.report(at, `'${state.decl.name}.${property}': ${state.decl.typeKey} has no property '${property}'`);
      return unknown();
    }
    if ((prop.flags & ObjectTypePropertyFlags.WriteOnly) !== 0) this.report(at, `'${state.decl.name}.${property}' is write-only and cannot be read`);
    return unknown(kindFromType(state.found, prop.type), { file: state.found.file, ref: prop.type });
  }

  /** `value.property`, checked against what the value is known to hold. */
  private readMember(object: Value, property: string, at: Loc, label: string): Value {
    if (object.kind === 'symbol') {
      if (object.what === 'module') {
        if (property === 'outputs') {
          const outputs = this.module(object.symbol);
          return { kind: 'object', props: new Map([...outputs].map(([k, v]) => [k, { value: v, loc: at }])) };
        }
        if (property === 'name') return unknown('string');
        this.report(at, `'${label}': a module has outputs and name, not '${property}'`);
        return unknown();
      }
      const state = this.resource(object.symbol);
      return state ? this.readResource(state, property, at, object.index) : unknown();
    }
    if (object.kind === 'object') {
      const entry = object.props.get(property) ?? [...object.props].find(([k]) => k.toLowerCase() === property.toLowerCase())?.[1];
      if (!entry && ![...object.props.values()].some((e) => e.dynamicKey)) {
        this.report(at, `'${label}' does not exist: the object has ${[...object.props.keys()].join(', ') || 'no properties'}`);
        return unknown();
      }
      return entry?.value ?? unknown();
    }
    if (object.kind === 'unknown' && object.azureType) {
      const { file, ref } = object.azureType;
      const t = resolve(file, ref);
      const shape = propertiesOf(file, t, undefined);
      if (!shape) return unknown();
      const prop = findProperty(shape.props, property);
      if (prop) return unknown(kindFromType({ file }, prop.type), { file, ref: prop.type });
      if (shape.additional) return unknown(kindFromType({ file }, shape.additional), { file, ref: shape.additional });
      this.report(at, `'${label}': ${shape.name} has no property '${property}'`);
      return unknown();
    }
    if (object.kind === 'unknown' && (object.of === 'object' || object.of === 'any')) return unknown();
    this.report(at, `'${label}': ${show(object)} has no properties`);
    return unknown();
  }

  // ---------------------------------------------------------------------------------------------
  // Expressions
  // ---------------------------------------------------------------------------------------------

  /** Evaluates an expression; `locals` holds loop variables. */
  eval(node: Node, locals: ReadonlyMap<string, Value>): Value {
    const at = this.at(node);
    switch (node.type) {
      case 'parenthesized_expression':
      case 'expression':
      case 'primary_expression': {
        const inner = node.namedChildren.find((c) => c.type !== 'comment');
        return inner ? this.eval(inner, locals) : unknown();
      }
      case 'string':
        return this.evalString(node, locals);
      case 'number':
        return { kind: 'int', value: Number(node.text) };
      case 'boolean':
        return { kind: 'bool', value: node.text === 'true' };
      case 'null':
        return { kind: 'null' };
      case 'identifier':
        return this.evalIdentifier(node.text, locals);
      case 'array':
        return {
          kind: 'array',
          items: node.namedChildren.filter((c) => c.type !== 'comment' && c.type !== 'decorators').map((c) => ({ value: this.eval(c, locals), loc: this.at(c) })),
        };
      case 'object':
        return this.evalObject(node, locals);
      case 'lambda_expression':
        this.report(at, `a lambda is only allowed as an argument of ${[...LAMBDA_FUNCTIONS].join(', ')}`);
        return unknown();
      case 'member_expression': {
        const objectNode = node.childForFieldName('object');
        if (objectNode?.type === 'lambda_expression') return this.misparsedLambda(node);
        const property = node.childForFieldName('property')?.text ?? '';
        if (!objectNode) return unknown();
        const object = this.eval(objectNode, locals);
        const isOptional = node.children.some((c) => c.type === '.?');
        if (isOptional && object.kind === 'null') return object;
        // `.?` reads null where the object lacks the property, as Bicep's safe dereference does.
        if (isOptional && object.kind === 'object' && ![...object.props.keys()].some((k) => k.toLowerCase() === property.toLowerCase())) return { kind: 'null' };
        return this.readMember(object, property, at, node.text);
      }
      case 'subscript_expression': {
        if (node.childForFieldName('object')?.type === 'lambda_expression') return this.misparsedLambda(node);
        const object = this.eval(node.childForFieldName('object')!, locals);
        const index = this.eval(node.childForFieldName('index')!, locals);
        if (object.kind === 'symbol' && object.what === 'collection')
          return index.kind === 'int' ? { kind: 'symbol', symbol: object.symbol, what: 'resource', index: index.value } : { kind: 'symbol', symbol: object.symbol, what: 'resource' };
        if (object.kind === 'array' && index.kind === 'int') {
          const item = object.items[index.value];
          if (!item) this.report(at, `'${node.text}': index ${index.value} is outside the array of ${object.items.length}`);
          return item?.value ?? unknown();
        }
        if (index.kind === 'string') return this.readMember(object, index.value, at, node.text);
        return unknown();
      }
      case 'call_expression':
        return this.evalCall(node, locals);
      case 'ternary_expression': {
        const condition = this.eval(node.childForFieldName('condition')!, locals);
        const yes = this.eval(node.childForFieldName('consequence')!, locals);
        const no = this.eval(node.childForFieldName('alternative')!, locals);
        if (condition.kind === 'bool') return condition.value ? yes : no;
        const k = kindOf(yes);
        return unknown(k === kindOf(no) && k !== 'null' && k !== 'symbol' ? k : 'any');
      }
      case 'binary_expression':
        return this.evalBinary(node, locals);
      case 'unary_expression': {
        const operator = node.childForFieldName('operator')?.type;
        const v = this.eval(node.childForFieldName('argument')!, locals);
        if (operator === '!') return v.kind === 'bool' ? { kind: 'bool', value: !v.value } : unknown('bool');
        return v.kind === 'int' ? { kind: 'int', value: -v.value } : unknown('int');
      }
      case 'for_statement': {
        const { names, iterable, inner } = this.loopParts(node);
        const items = iterable ? this.eval(iterable, locals) : unknown('array');
        if (!inner) return unknown('array');
        if (items.kind === 'array')
          return {
            kind: 'array',
            items: items.items.map((item, i) => ({ value: this.eval(inner, this.bind(locals, names, item.value, { kind: 'int', value: i })), loc: this.at(inner) })),
          };
        this.eval(inner, this.bind(locals, names, unknown(), unknown('int')));
        return unknown('array');
      }
      default:
        this.report(at, `the expression '${node.text.slice(0, 40)}' (${node.type}) is not understood by this checker`);
        return unknown();
    }
  }

  private evalIdentifier(name: string, locals: ReadonlyMap<string, Value>): Value {
    const local = locals.get(name);
    if (local) return local;
    if (this.t.params.has(name)) return this.param(name);
    if (this.t.vars.has(name)) return this.variable(name);
    const r = this.t.resources.get(name);
    if (r) return { kind: 'symbol', symbol: name, what: r.body.type === 'for_statement' ? 'collection' : 'resource' };
    if (this.t.modules.has(name)) return { kind: 'symbol', symbol: name, what: 'module' };
    return unknown(); // reported by the symbol check
  }

  private evalString(node: Node, locals: ReadonlyMap<string, Value>): Value {
    let text = '';
    let known = true;
    for (const part of node.namedChildren) {
      if (part.type === 'string_content') text += part.text;
      else if (part.type === 'escape_sequence') text += unescape(part.text);
      else if (part.type === 'interpolation') {
        const inner = part.namedChildren.find((c) => c.type !== 'comment');
        const v = inner ? this.eval(inner, locals) : unknown();
        if (v.kind === 'string') text += v.value;
        else if (v.kind === 'int' || v.kind === 'bool') text += String(v.value);
        else known = false;
      }
    }
    return known ? str(text) : unknown('string');
  }

  private evalObject(node: Node, locals: ReadonlyMap<string, Value>): Value {
    const props = new Map<string, Entry>();
    for (const p of node.namedChildren) {
      if (p.type === 'comment' || p.type === 'decorators') continue;
      if (p.type !== 'object_property') {
        this.report(this.at(p), `'${p.text.slice(0, 40)}' in an object is not understood by this checker`);
        continue;
      }
      const [keyNode, valueNode] = p.namedChildren.filter((c) => c.type !== 'comment');
      if (!keyNode || !valueNode) continue;
      const key = keyNode.type === 'string' ? this.eval(keyNode, locals) : str(keyNode.text);
      const loc = this.at(p);
      const value = this.eval(valueNode, locals);
      if (key.kind === 'string') {
        if (props.has(key.value)) this.report(loc, `the property '${key.value}' is written twice`);
        props.set(key.value, { value, loc });
      } else props.set(keyNode.text, { value, loc, dynamicKey: true });
    }
    return { kind: 'object', props };
  }

  /**
   * tree-sitter-bicep reads `x => x.a` as `(x => x).a`, where the Bicep compiler reads `x => (x.a)`.
   * Evaluating the grammar's reading would check something the compiler never sees, so ask for the
   * parentheses that make both agree.
   */
  private misparsedLambda(node: Node): Value {
    this.report(this.at(node), `'${node.text.slice(0, 40)}': write the lambda's body in parentheses, x => (x.a): this checker's grammar reads x => x.a as (x => x).a`);
    return unknown();
  }

  private evalCall(node: Node, locals: ReadonlyMap<string, Value>): Value {
    const fn = node.childForFieldName('function');
    const argNodes = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment');
    const at = this.at(node);
    let name: string | undefined;
    if (fn?.type === 'identifier') name = fn.text;
    else if (fn?.type === 'member_expression') {
      const owner = fn.childForFieldName('object');
      if (owner?.text === 'sys' || owner?.text === 'az') name = fn.childForFieldName('property')?.text ?? '';
      else if (owner) this.eval(owner, locals);
    }
    if (name === undefined) {
      argNodes.forEach((a) => this.eval(a, locals));
      return unknown();
    }
    if (LAMBDA_FUNCTIONS.has(name)) {
      const args = argNodes.map((a) => (a.type === 'lambda_expression' ? this.lambda(a, locals) : this.eval(a, locals)));
      return callWithLambdas(name, args, at, (message) => this.report(at, message));
    }
    const args = argNodes.map((a) => this.eval(a, locals));
    if (name === 'loadJsonContent') return this.loadJson(args, at);
    if (name === 'items') return itemsOf(args[0] ?? unknown(), at);
    if (name === 'flatten') return flattenOf(args[0] ?? unknown(), (message) => this.report(at, message));
    return callBuiltin(name, args, at);
  }

  /** A lambda argument: its parameters (before `=>`) bound to the values it is called with, around the enclosing locals. */
  private lambda(node: Node, locals: ReadonlyMap<string, Value>): Lambda {
    const [head, body] = node.namedChildren.filter((c) => c.type !== 'comment');
    const names = head?.type === 'identifier' ? [head.text] : (head?.namedChildren ?? []).filter((c) => c.type === 'identifier').map((c) => c.text);
    return (...values: Value[]) => {
      const inner = new Map(locals);
      names.forEach((n, i) => inner.set(n, values[i] ?? unknown()));
      return body ? this.eval(body, inner) : unknown();
    };
  }

  /**
   * `loadJsonContent(path)`: the compiler reads the file, relative to the template, when it builds
   * the template, so its content is known here as it is to ARM.
   */
  private loadJson(args: readonly Value[], at: Loc): Value {
    const [path, jsonPath] = args;
    if (path?.kind !== 'string') {
      this.report(at, 'loadJsonContent() needs a literal path: the compiler reads the file when it builds the template');
      return unknown();
    }
    if (jsonPath !== undefined) {
      this.report(at, 'loadJsonContent() with a JSON path is not supported by this checker; read a member of the result instead');
      return unknown();
    }
    const file = normalize(join(dirname(this.t.file), path.value));
    let text: string;
    try {
      text = readFileSync(join(this.ctx.root, file), 'utf8');
    } catch (error) {
      this.report(at, `loadJsonContent('${path.value}'): ${file} cannot be read: ${(error as Error).message}`);
      return unknown();
    }
    try {
      return fromJson(JSON.parse(text), { file, line: 1 });
    } catch (error) {
      this.report(at, `loadJsonContent('${path.value}'): ${file} is not JSON: ${(error as Error).message}`);
      return unknown();
    }
  }

  private evalBinary(node: Node, locals: ReadonlyMap<string, Value>): Value {
    const op = node.childForFieldName('operator')?.type ?? '';
    const a = this.eval(node.childForFieldName('left')!, locals);
    const b = this.eval(node.childForFieldName('right')!, locals);
    switch (op) {
      case '==':
      case '!=': {
        const same = sameValue(a, b);
        return same === undefined ? unknown('bool') : { kind: 'bool', value: op === '==' ? same : !same };
      }
      case '=~':
      case '!~':
        if (a.kind === 'string' && b.kind === 'string') {
          const same = a.value.toLowerCase() === b.value.toLowerCase();
          return { kind: 'bool', value: op === '=~' ? same : !same };
        }
        return unknown('bool');
      case '&&':
        if ((a.kind === 'bool' && !a.value) || (b.kind === 'bool' && !b.value)) return { kind: 'bool', value: false };
        return a.kind === 'bool' && b.kind === 'bool' ? { kind: 'bool', value: true } : unknown('bool');
      case '||':
        if ((a.kind === 'bool' && a.value) || (b.kind === 'bool' && b.value)) return { kind: 'bool', value: true };
        return a.kind === 'bool' && b.kind === 'bool' ? { kind: 'bool', value: false } : unknown('bool');
      case '??':
        return a.kind === 'null' ? b : a.kind === 'unknown' ? unknown(kindOf(b) === 'null' ? 'any' : (kindOf(b) as Kind)) : a;
      default: {
        const arith = BINARY_INT[op];
        if (arith) return a.kind === 'int' && b.kind === 'int' ? { kind: 'int', value: arith(a.value, b.value) } : unknown('int');
        const compare = COMPARE[op];
        if (compare) {
          if (a.kind === 'int' && b.kind === 'int') return { kind: 'bool', value: compare(a.value - b.value) };
          if (a.kind === 'string' && b.kind === 'string') return { kind: 'bool', value: compare(a.value.localeCompare(b.value)) };
          return unknown('bool');
        }
        this.report(this.at(node), `the operator '${op}' is not understood by this checker`);
        return unknown();
      }
    }
  }
}

/** The Bicep kind of an Azure type, for values read from a resource. */
function kindFromType(found: { readonly file: FoundResource['file'] }, ref: Parameters<typeof resolve>[1]): Kind {
  const t = resolve(found.file, ref);
  switch (t.type) {
    case 'StringType':
    case 'StringLiteralType':
      return 'string';
    case 'IntegerType':
      return 'int';
    case 'BooleanType':
      return 'bool';
    case 'ArrayType':
      return 'array';
    case 'ObjectType':
    case 'DiscriminatedObjectType':
      return 'object';
    case 'UnionType': {
      const kinds = new Set(t.elements.map((e) => kindFromType(found, e)));
      return kinds.size === 1 ? [...kinds][0]! : 'any';
    }
    default:
      return 'any';
  }
}

/** Bicep's string escapes: \\ \' \n \r \t \$ and \u{hex}. */
function unescape(seq: string): string {
  const c = seq[1];
  if (c === 'n') return '\n';
  if (c === 'r') return '\r';
  if (c === 't') return '\t';
  if (c === 'u') return String.fromCodePoint(parseInt(seq.slice(3, -1), 16));
  return c ?? '';
}
