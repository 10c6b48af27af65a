import { readFileSync } from 'node:fs';
import Parser from 'tree-sitter';
import Bicep from 'tree-sitter-bicep';
import type { Diagnostic, Loc } from './diagnostic.js';

export type Node = Parser.SyntaxNode;

const parser = new Parser();
parser.setLanguage(Bicep as unknown as Parser.Language);

/** A decorator as written: its name and argument nodes. */
export interface Decorator {
  readonly name: string;
  readonly args: readonly Node[];
  readonly loc: Loc;
}

export interface ParamDecl {
  readonly name: string;
  /** The declared type as written (`string`, `int`, `bool`, `object`, `array`, or another type expression). */
  readonly type: string;
  readonly nullable: boolean;
  readonly defaultValue: Node | undefined;
  readonly decorators: readonly Decorator[];
  readonly loc: Loc;
}

export interface ResourceDecl {
  readonly name: string;
  /** `Microsoft.X/y@apiVersion` as written. */
  readonly typeKey: string;
  readonly existing: boolean;
  /** object, for_statement or if_statement. */
  readonly body: Node;
  readonly loc: Loc;
}

export interface ModuleDecl {
  readonly name: string;
  readonly path: string;
  readonly body: Node;
  readonly loc: Loc;
}

export interface OutputDecl {
  readonly name: string;
  readonly type: string;
  readonly value: Node;
  readonly loc: Loc;
}

/** One parsed .bicep file and its top-level declarations. */
export interface Template {
  /** Path relative to the checked root, as diagnostics name it. */
  readonly file: string;
  readonly root: Node;
  readonly targetScope: string;
  readonly params: ReadonlyMap<string, ParamDecl>;
  readonly vars: ReadonlyMap<string, { readonly value: Node; readonly loc: Loc }>;
  readonly resources: ReadonlyMap<string, ResourceDecl>;
  readonly modules: ReadonlyMap<string, ModuleDecl>;
  readonly outputs: ReadonlyMap<string, OutputDecl>;
  /** Syntax errors, duplicate names and declaration shapes the checker does not understand. */
  readonly problems: readonly Diagnostic[];
}

export const lineOf = (node: Node): number => node.startPosition.row + 1;

/** The text of a string literal without interpolation, or undefined. */
export function literalString(node: Node | undefined): string | undefined {
  if (node?.type !== 'string') return undefined;
  if (node.namedChildren.some((c) => c.type !== 'string_content')) return undefined;
  return node.namedChildren.map((c) => c.text).join('');
}

/** Parses a file; every syntax error becomes a problem naming its line. */
export function parseTemplate(path: string, file: string): Template {
  const tree = parser.parse(readFileSync(path, 'utf8'));
  const problems: Diagnostic[] = [];
  const at = (node: Node): Loc => ({ file, line: lineOf(node) });
  const problem = (node: Node, message: string): void => {
    problems.push({ ...at(node), message });
  };

  const syntax = (node: Node): void => {
    if (node.isMissing) problem(node, `syntax error: missing ${node.type}`);
    else if (node.type === 'ERROR') problem(node, `syntax error near '${node.text.slice(0, 40).split('\n')[0]}'`);
    else if (node.hasError) node.children.forEach(syntax);
  };
  syntax(tree.rootNode);

  const params = new Map<string, ParamDecl>();
  const vars = new Map<string, { value: Node; loc: Loc }>();
  const resources = new Map<string, ResourceDecl>();
  const modules = new Map<string, ModuleDecl>();
  const outputs = new Map<string, OutputDecl>();
  const names = new Set<string>();
  let targetScope = 'resourceGroup';
  let decorators: Decorator[] = [];

  const declare = (node: Node, name: string): void => {
    if (names.has(name)) problem(node, `'${name}' is declared more than once`);
    names.add(name);
  };

  for (const node of tree.rootNode.namedChildren) {
    if (node.type === 'comment' || node.type === 'ERROR') continue;
    if (node.type === 'decorators') {
      for (const d of node.namedChildren) {
        const call = d.namedChildren[0];
        const fn = call?.childForFieldName('function');
        const args = call?.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment') ?? [];
        if (!call || call.type !== 'call_expression' || !fn) problem(d, `decorator '${d.text}' is not understood`);
        else decorators.push({ name: fn.text.replace(/^sys\./, ''), args, loc: at(d) });
      }
      continue;
    }
    const kids = node.namedChildren.filter((c) => c.type !== 'comment');
    const name = kids[0]?.type === 'identifier' ? kids[0].text : '';
    const own = decorators;
    decorators = [];
    switch (node.type) {
      case 'target_scope_assignment':
        targetScope = literalString(kids[0]) ?? targetScope;
        break;
      case 'parameter_declaration': {
        declare(node, name);
        const typeNode = kids[1];
        const nullable = typeNode?.namedChildren[0]?.type === 'nullable_type';
        params.set(name, {
          name,
          type: (typeNode?.text ?? '').replace(/\?$/, ''),
          nullable,
          defaultValue: kids[2],
          decorators: own,
          loc: at(node),
        });
        break;
      }
      case 'variable_declaration':
        declare(node, name);
        if (kids[1]) vars.set(name, { value: kids[1], loc: at(node) });
        break;
      case 'resource_declaration': {
        declare(node, name);
        const typeKey = literalString(kids[1]);
        const body = kids[kids.length - 1];
        if (!typeKey || !body) problem(node, `resource '${name}' is not understood`);
        else resources.set(name, { name, typeKey, existing: node.children.some((c) => c.type === 'existing'), body, loc: at(node) });
        break;
      }
      case 'module_declaration': {
        declare(node, name);
        const path = literalString(kids[1]);
        const body = kids[kids.length - 1];
        if (!path || !body) problem(node, `module '${name}' is not understood (its path must be a plain string)`);
        else modules.set(name, { name, path, body, loc: at(node) });
        break;
      }
      case 'output_declaration':
        if (outputs.has(name)) problem(node, `output '${name}' is declared more than once`);
        if (kids[2]) outputs.set(name, { name, type: kids[1]?.text ?? '', value: kids[2], loc: at(node) });
        break;
      case 'import_statement':
      case 'import_functionality':
      case 'using_statement':
      case 'type_declaration':
      case 'user_defined_function':
      case 'metadata_declaration':
        problem(node, `${node.type.replace(/_/g, ' ')} is not supported by this checker; extend test/infra/bicep before using it`);
        break;
      default:
        problem(node, `top-level '${node.type}' is not understood`);
    }
  }
  return { file, root: tree.rootNode, targetScope, params, vars, resources, modules, outputs, problems };
}
