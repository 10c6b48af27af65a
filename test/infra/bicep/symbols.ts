import type { Diagnostics } from './diagnostic.js';
import { BICEP_DECORATORS, BICEP_FUNCTIONS } from './functions.js';
import { lineOf, type Node, type Template } from './template.js';

const DECLARATIONS = new Set(['parameter_declaration', 'variable_declaration', 'resource_declaration', 'module_declaration', 'output_declaration']);

const BINDERS = ['identifier', 'loop_variable', 'loop_enumerator'];

/** Identifiers declared by the part of a loop or lambda before its `in` or `=>`. */
function boundNames(node: Node, until: string): string[] {
  const names: string[] = [];
  for (const child of node.children) {
    if (child.type === until) break;
    if (BINDERS.includes(child.type)) names.push(child.text);
    else names.push(...child.descendantsOfType(BINDERS).map((i) => i.text));
  }
  return names;
}

/**
 * Every symbol a file uses is declared in it (or bound by a loop or lambda around the use),
 * every function it calls is a Bicep function and every decorator a Bicep decorator. This needs
 * no parameter values, so it covers branches no scenario takes.
 */
export function checkSymbols(t: Template, out: Diagnostics): void {
  const top = new Set<string>([...t.params.keys(), ...t.vars.keys(), ...t.resources.keys(), ...t.modules.keys(), 'az', 'sys']);
  const at = (n: Node) => ({ file: t.file, line: lineOf(n) });

  const walk = (node: Node, locals: ReadonlySet<string>, inDecorator: boolean): void => {
    switch (node.type) {
      case 'type':
      case 'comment':
        return;
      case 'identifier':
        if (!top.has(node.text) && !locals.has(node.text)) out.add(at(node), `'${node.text}' is not declared`);
        return;
      case 'decorator':
        node.namedChildren.forEach((c) => walk(c, locals, true));
        return;
      case 'object_property': {
        const [key, ...rest] = node.namedChildren;
        if (key && key.type !== 'identifier') walk(key, locals, inDecorator);
        rest.forEach((c) => walk(c, locals, inDecorator));
        return;
      }
      case 'call_expression': {
        const fn = node.childForFieldName('function');
        if (fn?.type === 'identifier') {
          const known = inDecorator ? BICEP_DECORATORS.has(fn.text) || BICEP_FUNCTIONS.has(fn.text) : BICEP_FUNCTIONS.has(fn.text);
          if (!known) out.add(at(fn), `'${fn.text}' is not a Bicep ${inDecorator ? 'decorator' : 'function'}`);
        } else if (fn) walk(fn.type === 'member_expression' ? (fn.childForFieldName('object') ?? fn) : fn, locals, inDecorator);
        const args = node.childForFieldName('arguments');
        if (args) walk(args, locals, false);
        return;
      }
      case 'member_expression': {
        const object = node.childForFieldName('object');
        if (object) walk(object, locals, inDecorator);
        return;
      }
      case 'for_statement':
      case 'lambda_expression': {
        const bound = boundNames(node, node.type === 'for_statement' ? 'in' : '=>');
        const inner = new Set([...locals, ...bound]);
        const marker = node.type === 'for_statement' ? 'in' : '=>';
        const body = node.type === 'for_statement' ? node.childForFieldName('body') : undefined;
        let past = false;
        for (const child of node.children) {
          // The iterable is outside the loop variable's scope; the body and a lambda's result are inside.
          if (past) walk(child, node.type === 'lambda_expression' || child.id === body?.id ? inner : locals, inDecorator);
          if (child.type === marker) past = true;
        }
        return;
      }
      default:
        if (DECLARATIONS.has(node.type)) {
          node.namedChildren.forEach((c, i) => (i === 0 && c.type === 'identifier' ? undefined : walk(c, locals, inDecorator)));
          return;
        }
        node.namedChildren.forEach((c) => walk(c, locals, inDecorator));
    }
  };
  walk(t.root, new Set(), false);
}
