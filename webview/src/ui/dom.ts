// A small element factory: the UI is built from plain DOM calls (no framework, no innerHTML of data).

type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | undefined>;

/**
 * `h('div', { class: 'row', 'data-testid': 'x' }, child...)`. String props become attributes (boolean true an
 * empty attribute, false/undefined none); children that are strings become text nodes.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, props?: Props, ...children: Child[]): HTMLElement;
export function h(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** Replaces all children of `el`. */
export function setChildren(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** The closest element (crossing shadow roots upwards) that carries `data-field`. */
export function fieldOf(target: EventTarget | null): string | undefined {
  let node: Node | null = target instanceof Node ? target : null;
  while (node) {
    if (node instanceof HTMLElement && node.dataset['field'] !== undefined) return node.dataset['field'];
    node = node.parentNode ?? (node instanceof ShadowRoot ? node.host : null);
  }
  return undefined;
}

/** A CSS attribute selector value, escaped. */
export function cssValue(s: string): string {
  return JSON.stringify(s);
}
