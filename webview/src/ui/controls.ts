// Controls from @vscode-elements/elements (native-looking, theme-following, keyboard-operable web components).
// Only the components used are imported. Their properties are declared here as far as the UI uses them, so
// this code type-checks against the documented API whether or not the package's own types are installed.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { h } from './dom';

export interface TextFieldElement extends HTMLElement {
  value: string;
  /** Accessible name of the inner input. */
  label: string;
  placeholder: string | undefined;
  invalid: boolean;
  disabled: boolean;
  readonly: boolean;
}

export interface TextAreaElement extends TextFieldElement {
  rows: number | undefined;
  monospace: boolean;
}

export interface SelectElement extends HTMLElement {
  value: string;
  /** Accessible name of the inner combobox (aria-label on the host does not reach it). */
  label: string;
  combobox: boolean;
  disabled: boolean;
  invalid: boolean;
}

export interface CheckboxElement extends HTMLElement {
  checked: boolean;
  label: string;
  disabled: boolean;
}

export interface ButtonElement extends HTMLElement {
  disabled: boolean;
  secondary: boolean;
}

export interface FieldOptions {
  readonly testid: string;
  /** Form field key: errors and byte highlights find the control by it. */
  readonly field?: string;
  readonly label: string;
  readonly value: string;
  readonly placeholder?: string;
  readonly onInput?: (value: string) => void;
  /** Committed (Enter or leaving the field): for edits that change the form's shape. */
  readonly onChange?: (value: string) => void;
  readonly readonly?: boolean;
  readonly className?: string;
}

/** What text fields and areas share: test id, field path, label, value, placeholder and the two events. */
function textControl<T extends TextFieldElement | TextAreaElement>(el: T, o: FieldOptions): T {
  el.dataset['testid'] = o.testid;
  if (o.field !== undefined) el.dataset['field'] = o.field;
  el.setAttribute('aria-label', o.label);
  el.label = o.label;
  el.value = o.value;
  if (o.placeholder !== undefined) el.placeholder = o.placeholder;
  if (o.onInput) el.addEventListener('input', () => o.onInput!(el.value));
  if (o.onChange) el.addEventListener('change', () => o.onChange!(el.value));
  return el;
}

export function textField(o: FieldOptions): TextFieldElement {
  const el = textControl(document.createElement('vscode-textfield') as TextFieldElement, o);
  el.setAttribute('title', o.label);
  if (o.className) el.className = o.className;
  if (o.readonly) el.readonly = true;
  return el;
}

export function textArea(o: FieldOptions & { readonly rows?: number }): TextAreaElement {
  const el = textControl(document.createElement('vscode-textarea') as TextAreaElement, o);
  el.rows = o.rows ?? 3;
  el.monospace = true;
  return el;
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
  readonly description?: string;
}

export function select(o: {
  readonly testid: string;
  readonly field?: string;
  readonly label: string;
  readonly value: string;
  readonly options: readonly SelectOption[];
  readonly combobox?: boolean;
  readonly onChange: (value: string) => void;
}): SelectElement {
  const el = document.createElement('vscode-single-select') as SelectElement;
  el.dataset['testid'] = o.testid;
  if (o.field !== undefined) el.dataset['field'] = o.field;
  el.setAttribute('aria-label', o.label);
  el.setAttribute('title', o.label);
  el.label = o.label;
  if (o.combobox) el.combobox = true;
  for (const opt of o.options) {
    const option = document.createElement('vscode-option');
    option.setAttribute('value', opt.value);
    if (opt.description) option.setAttribute('description', opt.description);
    // The selected option is marked before the select reads its slotted options (setting value earlier is lost).
    if (opt.value === o.value) option.setAttribute('selected', '');
    option.textContent = opt.label;
    el.append(option);
  }
  el.addEventListener('change', () => o.onChange(el.value));
  return el;
}

export function checkbox(o: {
  readonly testid: string;
  readonly field?: string;
  readonly label: string;
  readonly checked: boolean;
  readonly title?: string;
  readonly onChange: (checked: boolean) => void;
}): CheckboxElement {
  const el = document.createElement('vscode-checkbox') as CheckboxElement;
  el.dataset['testid'] = o.testid;
  if (o.field !== undefined) el.dataset['field'] = o.field;
  el.label = o.label;
  el.checked = o.checked;
  if (o.title) el.setAttribute('title', o.title);
  el.addEventListener('change', () => o.onChange(el.checked));
  return el;
}

export function button(o: {
  readonly testid: string;
  readonly label: string;
  readonly title?: string;
  readonly secondary?: boolean;
  readonly onClick: () => void;
}): ButtonElement {
  const el = document.createElement('vscode-button') as ButtonElement;
  el.dataset['testid'] = o.testid;
  el.textContent = o.label;
  el.setAttribute('title', o.title ?? o.label);
  if (o.title) el.setAttribute('aria-label', o.title);
  if (o.secondary) el.secondary = true;
  el.addEventListener('click', () => {
    if (!el.disabled) o.onClick();
  });
  return el;
}

/** A labelled row: the label names the control for sighted users, aria-label for screen readers. */
export function row(label: string, ...controls: (HTMLElement | string)[]): HTMLElement {
  return h(
    'div',
    { class: 'row' },
    h('span', { class: 'row-label' }, label),
    h('div', { class: 'row-controls' }, ...controls),
  );
}
