/**
 * Small DOM writers that touch a node only when its value changes, so a refresh rewrites nothing
 * that stayed the same: no flicker, no lost selection, no layout work for unchanged figures.
 */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no element #${id}`);
  return el as T;
}

export function setText(el: Node, text: string | number | null | undefined): void {
  const value = text == null ? '' : String(text);
  if (el.textContent !== value) el.textContent = value;
}

export function setAttr(el: Element, name: string, value: string | number): void {
  const text = String(value);
  if (el.getAttribute(name) !== text) el.setAttribute(name, text);
}

export function show(el: HTMLElement | SVGElement, visible: boolean): void {
  if (el instanceof HTMLElement) {
    if (el.hidden === visible) el.hidden = !visible;
  } else if (visible) el.removeAttribute('hidden');
  else setAttr(el, 'hidden', '');
}

/** Keeps a list at n children made by make(), reusing the ones it has. */
export function syncChildren(parent: Element, n: number, make: () => Element): void {
  while (parent.children.length < n) parent.appendChild(make());
  while (parent.children.length > n) parent.lastElementChild!.remove();
}

const SVG = 'http://www.w3.org/2000/svg';

export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent?: Element): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

export function setBadge(el: Element, state: string, label: string): void {
  setAttr(el, 'data-state', state);
  setText(el, label);
}
