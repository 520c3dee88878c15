// The form: protocol and family, message type, flags that follow the message kind, seq/pid, the family's fixed
// header, and the payload (attribute tree, text or hex). Built from the state each time the form's shape
// changes; typing into a field only updates the state (the app re-encodes and re-marks errors).
import { flagChoices, parseFlags } from '../../../extension/src/netlink/index';
import type { FamilyRegistry } from '../../../extension/src/netlink/index';
import {
  addAttr,
  findNode,
  moveAttr,
  removeAttr,
  setAttrType,
  setClassicFamily,
  setFlag,
  setGenlFamily,
  setMessageType,
  setProtocol,
} from '../model/edit';
import { defaultFieldText } from '../model/encode';
import { enumNameOf, parseIntLiteral } from '../model/numbers';
import type { AttrScope, Resolution } from '../model/schema';
import { messageChoices, protocolOf, resolve } from '../model/schema';
import {
  attrOffers,
  chooseOperation,
  currentOperation,
  opChoiceKey,
  operationChoices,
  requestAttrNames,
} from '../model/operations';
import type { BuilderState, PayloadMode } from '../model/state';
import { attrViews, scopeChoices, type AttrView } from '../model/tree';
import { PICKABLE_KINDS, isScalarKind, valueHint } from '../model/values';
import type { CatalogJson } from '../../../extension/src/protocol/webview';
import { button, checkbox, row, select, textArea, textField, type SelectOption } from './controls';
import { h } from './dom';

export interface FormContext {
  readonly state: BuilderState;
  readonly registry: FamilyRegistry;
  readonly catalog: CatalogJson;
  /** The state changed; `reshape`: the form must be rebuilt (new fields, other choices). */
  changed(reshape: boolean): void;
  resolveFamily(name: string): void;
  readonly resolveStatus: string;
}

/** Where a field's error message goes: right after its control. */
function errorSlot(field: string): HTMLElement {
  return h('div', { class: 'field-error', 'data-error-for': field, 'data-testid': `error-${field}`, role: 'alert' });
}

function field(control: HTMLElement, key: string): HTMLElement[] {
  return [control, errorSlot(key)];
}

// ---------------------------------------------------------------------------------------------
// Protocol, family, message.

function protocolOptions(catalog: CatalogJson): SelectOption[] {
  const out: SelectOption[] = [
    { value: '0', label: 'route (0): rtnetlink' },
    { value: '16', label: 'generic (16): generic netlink' },
  ];
  const seen = new Set([0, 16]);
  for (const f of catalog.families) {
    if (f.genl || seen.has(f.protocol) || f.protocol < 0 || f.protocol > 31) continue;
    seen.add(f.protocol);
    out.push({
      value: String(f.protocol),
      label: `${f.protocol === 31 ? 'module (31)' : `protocol ${f.protocol}`}: ${f.name}`,
    });
  }
  out.push({ value: 'other', label: 'other protocol number…' });
  return out;
}

function protocolSection(ctx: FormContext, r: Resolution): HTMLElement[] {
  const { state, registry } = ctx;
  const options = protocolOptions(ctx.catalog);
  const number = protocolOf(state);
  const listed = number !== undefined && options.some((o) => o.value === String(number));
  const out: HTMLElement[] = [
    row(
      'Protocol',
      ...field(
        select({
          testid: 'protocol-select',
          field: 'protocol',
          label: 'Netlink protocol',
          value: listed ? String(number) : 'other',
          options,
          onChange: (v) => {
            // "other": an empty protocol makes the number field below appear (and say a number is needed).
            if (v === 'other') state.protocol = '';
            else setProtocol(state, v, registry);
            ctx.changed(true);
          },
        }),
        'protocol',
      ),
    ),
  ];
  if (!listed) {
    out.push(
      row(
        'Number',
        textField({
          testid: 'protocol-number',
          field: 'protocol',
          label: 'Protocol number 0-31',
          value: state.protocol.trim(),
          placeholder: '0-31',
          onChange: (v) => {
            setProtocol(state, v, registry);
            ctx.changed(true);
          },
        }),
      ),
    );
  }
  if (r.protocol === 16) out.push(...genlSection(ctx));
  else if (r.protocol !== undefined) out.push(...classicFamilySection(ctx, r.protocol));
  return out;
}

/** Several families on one classic protocol (rtnetlink and the kernel's rt-* specs): which one the form uses. */
function classicFamilySection(ctx: FormContext, protocol: number): HTMLElement[] {
  const { state, registry } = ctx;
  const families = registry.classicFamilies(protocol);
  if (families.length < 2) return [];
  const options = families.map((f, i): SelectOption => ({
    value: i === 0 ? '' : f.name,
    label: f.name,
    description: f.source === 'built-in' ? 'built in' : 'spec',
  }));
  const current = state.classicFamily ?? '';
  if (current !== '' && !options.some((o) => o.value === current))
    options.unshift({ value: current, label: `${current} (no definition)` });
  return [
    row(
      'Family',
      ...field(
        select({
          testid: 'classic-family',
          field: 'family',
          label: 'Family on this protocol',
          value: current,
          options,
          onChange: (v) => {
            setClassicFamily(state, v, registry);
            ctx.changed(true);
          },
        }),
        'family',
      ),
    ),
  ];
}

/** A spec family's operations, "dev-get (do)": choosing one sets the message and the flags its mode means. */
function operationSection(ctx: FormContext, r: Resolution): HTMLElement[] {
  const { state, registry } = ctx;
  const family = r.family;
  const choices = operationChoices(family);
  if (!family || choices.length === 0) return [];
  const current = currentOperation(state, r);
  const options = choices.map((c): SelectOption => {
    const listed = c.op[c.mode]?.requestAttrs;
    return {
      value: opChoiceKey(c),
      label: `${c.op.name} (${c.mode})`,
      description: listed ? `request: ${listed.join(', ') || 'no attributes'}` : 'request attributes not listed',
    };
  });
  if (!current) options.unshift({ value: '', label: '(choose an operation)' });
  return [
    row(
      'Operation',
      select({
        testid: 'operation',
        field: 'operation',
        label: `Operation of ${family.name}`,
        value: current ? opChoiceKey(current) : '',
        options,
        combobox: true,
        onChange: (v) => {
          if (v === '' || !chooseOperation(state, registry, family, v)) return;
          ctx.changed(true);
        },
      }),
    ),
  ];
}

function genlSection(ctx: FormContext): HTMLElement[] {
  const { state, registry, catalog } = ctx;
  const ids = new Map(catalog.genlIds.map(([id, name]) => [name, id]));
  const families = catalog.families
    .filter((f) => f.genl)
    .map((f): SelectOption => ({
      value: f.name,
      label: f.name,
      description: ids.has(f.name) ? `id ${ids.get(f.name)}` : 'id unknown',
    }));
  if (state.genlFamily !== '' && !families.some((f) => f.value === state.genlFamily)) {
    families.unshift({ value: state.genlFamily, label: `${state.genlFamily} (no definition)` });
  }
  const bound = state.genlFamily === '' ? undefined : registry.genlIdOf(state.genlFamily);
  return [
    row(
      'Family',
      ...field(
        select({
          testid: 'genl-family',
          field: 'genl.family',
          label: 'Generic netlink family',
          value: state.genlFamily,
          options: families,
          combobox: true,
          onChange: (v) => {
            setGenlFamily(state, v, registry);
            ctx.changed(true);
          },
        }),
        'genl.family',
      ),
    ),
    row(
      'Family id',
      textField({
        testid: 'genl-family-id',
        field: 'genl.familyId',
        label: 'Generic netlink family id (nlmsg_type)',
        value: state.genlFamilyId,
        placeholder: bound !== undefined ? `${bound} (known)` : 'resolve or type',
        onInput: (v) => {
          state.genlFamilyId = v;
          ctx.changed(false);
        },
      }),
      button({
        testid: 'genl-resolve',
        label: 'Resolve',
        title: "Ask the target kernel for this family's id (CTRL_CMD_GETFAMILY)",
        secondary: true,
        onClick: () => ctx.resolveFamily(state.genlFamily),
      }),
      h('span', { class: 'muted', 'data-testid': 'genl-resolve-status', 'aria-live': 'polite' }, ctx.resolveStatus),
      errorSlot('genl.familyId'),
    ),
    row(
      'Version',
      ...field(
        textField({
          testid: 'genl-version',
          field: 'genl.version',
          label: 'genlmsghdr.version',
          value: state.genlVersion,
          placeholder: 'u8',
          onInput: (v) => {
            state.genlVersion = v;
            ctx.changed(false);
          },
        }),
        'genl.version',
      ),
    ),
  ];
}

function messageSection(ctx: FormContext, r: Resolution): HTMLElement[] {
  const { state, registry } = ctx;
  const choices = messageChoices(r.family);
  const out: HTMLElement[] = [];
  const label = r.genl ? 'Command' : 'Message';
  if (choices.length > 0) {
    const options = choices.map((m): SelectOption => ({
      value: m.name,
      label: m.name,
      description: `${m.value} ${m.kind}`,
    }));
    const current = r.message && choices.includes(r.message) ? r.message.name : '';
    if (current === '')
      options.unshift({
        value: '',
        label: state.messageType.trim() === '' ? '(choose)' : `${state.messageType} (by number)`,
      });
    out.push(
      row(
        label,
        select({
          testid: 'message-type',
          field: 'messageType',
          label: r.genl ? 'Generic netlink command' : 'Message type',
          value: current,
          options,
          combobox: true,
          onChange: (v) => {
            if (v === '') return;
            setMessageType(state, v, registry);
            ctx.changed(true);
          },
        }),
      ),
    );
  }
  out.push(
    row(
      choices.length > 0 ? 'Number' : label,
      ...field(
        textField({
          testid: 'message-type-number',
          field: 'messageType',
          label: r.genl ? 'Command number (genlmsghdr.cmd)' : 'Message type number (nlmsg_type)',
          value: r.type !== undefined ? String(r.type) : state.messageType,
          placeholder: r.genl ? '0-255' : '16-65535',
          onChange: (v) => {
            const n = parseIntLiteral(v);
            const def = n === undefined ? undefined : r.family?.messages.get(Number(n));
            setMessageType(state, def && choices.includes(def) ? def.name : v, registry);
            ctx.changed(true);
          },
        }),
        'messageType',
      ),
    ),
  );
  return out;
}

function flagsSection(ctx: FormContext, r: Resolution): HTMLElement[] {
  const { state } = ctx;
  const table = r.flagTable;
  const boxes = flagChoices(table).map(([mask, name]) =>
    checkbox({
      testid: `flag-${name}`,
      field: 'flags',
      label: name.replace(/^NLM_F_/, ''),
      title: `${name} (0x${mask.toString(16)})`,
      checked: (state.flags & mask) === mask,
      onChange: (on) => {
        setFlag(state, mask, on);
        ctx.changed(true);
      },
    }),
  );
  const value = textField({
    testid: 'flags-value',
    field: 'flags',
    label: 'nlmsg_flags as a number or names',
    value: `0x${state.flags.toString(16)}`,
    placeholder: 'e.g. 0x301 or REQUEST|DUMP',
    onChange: (v) => {
      const parsed = parseFlags(v, table);
      if ('value' in parsed && parsed.value <= 0xffff) state.flags = parsed.value;
      ctx.changed(true);
    },
  });
  return [
    h(
      'div',
      { class: 'row' },
      h('span', { class: 'row-label' }, `Flags (${table === 'other' ? 'no kind' : table})`),
      h(
        'div',
        { class: 'row-controls flags', role: 'group', 'aria-label': 'nlmsg_flags' },
        ...boxes,
        value,
        errorSlot('flags'),
      ),
    ),
  ];
}

function headerNumbers(ctx: FormContext): HTMLElement[] {
  const { state } = ctx;
  const num = (testid: string, key: 'seq' | 'pid', label: string): HTMLElement =>
    textField({
      testid,
      field: key,
      label,
      value: state[key],
      placeholder: 'u32',
      onInput: (v) => {
        state[key] = v;
        ctx.changed(false);
      },
    });
  return [
    row(
      'Seq',
      num('seq', 'seq', 'nlmsg_seq'),
      checkbox({
        testid: 'seq-auto',
        label: 'auto +1',
        title: 'Increment the sequence number after each send',
        checked: state.autoSeq,
        onChange: (on) => {
          state.autoSeq = on;
          ctx.changed(false);
        },
      }),
      errorSlot('seq'),
    ),
    row(
      'Port id',
      ...field(num('pid', 'pid', "nlmsg_pid (0: the kernel fills in nothing; it is the sender's port)"), 'pid'),
    ),
  ];
}

// ---------------------------------------------------------------------------------------------
// Fixed header.

function fixedHeaderSection(ctx: FormContext, r: Resolution): HTMLElement | undefined {
  const def = r.header;
  if (!def) return undefined;
  const { state } = ctx;
  const rows = def.fields
    .filter((f) => f.kind !== 'pad')
    .map((f) => {
      const key = `header.${f.name}`;
      const enumDef = f.enumName === undefined ? undefined : r.family?.enums.get(f.enumName);
      const hint = h('span', { class: 'muted enum-name', 'data-testid': `hint-${key}` });
      const showName = (text: string): void => {
        const n = parseIntLiteral(text);
        hint.textContent = n === undefined ? '' : (enumNameOf(enumDef, n) ?? '');
      };
      const value = state.header[f.name] ?? defaultFieldText(f);
      showName(value);
      return row(
        f.name,
        textField({
          testid: key,
          field: key,
          label: `${def.name}.${f.name} (${f.kind}${f.length ? ` ${f.length} bytes` : ''})`,
          value,
          placeholder: isScalarKind(f.kind)
            ? `${f.kind}${enumDef ? ` or ${enumDef.name}` : ''}`
            : (f.display ?? `${f.length ?? 0} bytes hex`),
          onInput: (v) => {
            state.header[f.name] = v;
            showName(v);
            ctx.changed(false);
          },
        }),
        hint,
        errorSlot(key),
      );
    });
  return h(
    'div',
    { class: 'fixed-header', 'data-testid': 'fixed-header' },
    h('div', { class: 'subhead' }, def.name),
    ...rows,
  );
}

// ---------------------------------------------------------------------------------------------
// Payload: attribute tree, text or hex.

function typeOptions(scope: AttrScope, current: string): SelectOption[] {
  const options = scopeChoices(scope).map(({ type, def }): SelectOption => ({
    value: def.name,
    label: def.name,
    description: `${type} ${def.kind}`,
  }));
  if (current !== '' && !options.some((o) => o.value.toLowerCase() === current.trim().toLowerCase())) {
    options.unshift({ value: current, label: `${current} (no definition)` });
  }
  return options;
}

/** Attribute names whose value selects a sibling sub-message's format: editing them reshapes the tree. */
function selectorNames(scope: AttrScope): Set<string> {
  const out = new Set<string>();
  for (const def of scope.set?.byType.values() ?? [])
    if (def.selector !== undefined) out.add(def.selector.toLowerCase());
  return out;
}

function attrRow(ctx: FormContext, v: AttrView): HTMLElement {
  const { state, registry } = ctx;
  const id = v.node.id;
  const key = `attr.${id}`;
  const typeControl = v.scope.set
    ? select({
        testid: `attr-type-${id}`,
        field: key,
        label: 'Attribute type',
        value: v.node.type,
        options: typeOptions(v.scope, v.node.type),
        combobox: true,
        onChange: (t) => {
          setAttrType(state, registry, id, t);
          ctx.changed(true);
        },
      })
    : textField({
        testid: `attr-type-${id}`,
        field: key,
        label: `Attribute type number in ${v.scope.label}`,
        value: v.node.type,
        placeholder: 'type 0-16383',
        onChange: (t) => {
          setAttrType(state, registry, id, t);
          ctx.changed(true);
        },
      });
  const reshapes = selectorNames(v.scope).has(v.node.type.trim().toLowerCase());
  let valueControl: HTMLElement;
  if (v.container) valueControl = h('span', { class: 'muted' }, `${v.node.children.length} nested`);
  else if (v.kind === 'flag') valueControl = h('span', { class: 'muted' }, 'flag (present)');
  else {
    valueControl = textField({
      testid: `attr-value-${id}`,
      field: `${key}.value`,
      label: `Value of ${v.def?.name ?? `attribute ${v.node.type}`} (${v.kind})`,
      value: v.node.value,
      placeholder: valueHint(v.spec),
      className: 'value-field',
      onInput: (text) => {
        findNode(state.attrs, id)!.value = text;
        ctx.changed(false);
      },
      ...(reshapes ? { onChange: () => ctx.changed(true) } : {}),
    });
  }
  const kindOptions: SelectOption[] = [
    { value: '', label: v.def ? `${v.def.kind} (defined)` : 'binary (default)' },
    ...PICKABLE_KINDS.map((k) => ({ value: k, label: k })),
  ];
  const kind = select({
    testid: `attr-kind-${id}`,
    label: 'Encode as',
    value: v.node.kind ?? '',
    options: kindOptions,
    onChange: (k) => {
      const node = findNode(state.attrs, id)!;
      if (k === '') delete node.kind;
      else node.kind = k as NonNullable<typeof node.kind>;
      ctx.changed(true);
    },
  });
  kind.classList.add('attr-kind');
  const netOrder = checkbox({
    testid: `attr-netorder-${id}`,
    label: 'BE',
    title: 'NLA_F_NET_BYTEORDER: set the flag, write the value big-endian',
    checked: v.node.netByteOrder === true,
    onChange: (on) => {
      const node = findNode(state.attrs, id)!;
      if (on) node.netByteOrder = true;
      else delete node.netByteOrder;
      ctx.changed(false);
    },
  });
  const tools = h(
    'span',
    { class: 'attr-tools' },
    button({
      testid: `attr-up-${id}`,
      label: '↑',
      title: 'Move up',
      secondary: true,
      onClick: () => moveAttr(state, id, -1) && ctx.changed(true),
    }),
    button({
      testid: `attr-down-${id}`,
      label: '↓',
      title: 'Move down',
      secondary: true,
      onClick: () => moveAttr(state, id, 1) && ctx.changed(true),
    }),
    button({
      testid: `attr-remove-${id}`,
      label: '✕',
      title: 'Remove attribute',
      secondary: true,
      onClick: () => removeAttr(state, id) && ctx.changed(true),
    }),
  );
  const el = h(
    'div',
    {
      class: 'attr',
      role: 'group',
      'aria-label': `attribute ${v.def?.name ?? v.node.type}`,
      'data-testid': `attr-${id}`,
      'data-field-wrap': key,
    },
    h(
      'div',
      { class: 'attr-main' },
      typeControl,
      valueControl,
      kind,
      isScalarKind(v.kind) || v.kind === 'uint' || v.kind === 'sint' ? netOrder : null,
      tools,
    ),
    errorSlot(key),
    errorSlot(`${key}.value`),
  );
  el.style.setProperty('--depth', String(v.depth));
  return el;
}

function addRow(
  ctx: FormContext,
  scope: AttrScope,
  parentId: number | undefined,
  depth: number,
  listed?: readonly string[],
): HTMLElement {
  const { state, registry } = ctx;
  const suffix = parentId === undefined ? 'top' : String(parentId);
  const choices = attrOffers(scope, parentId === undefined ? listed : undefined);
  let chosen = choices[0]?.def.name ?? '';
  const picker =
    choices.length > 0
      ? select({
          testid: `add-attr-type-${suffix}`,
          label: `Attribute to add${parentId === undefined ? '' : ' inside'}`,
          value: chosen,
          combobox: true,
          options: choices.map(({ type, def, listed: inRequest }) => ({
            value: def.name,
            label: def.name,
            description: `${type} ${def.kind}${inRequest ? ', listed for this request' : ''}`,
          })),
          onChange: (t) => {
            chosen = t;
          },
        })
      : textField({
          testid: `add-attr-type-${suffix}`,
          label: 'Type number of the attribute to add',
          value: '',
          placeholder: scope.entry ? 'index' : 'type number',
          onInput: (t) => {
            chosen = t;
          },
        });
  const add = button({
    testid: `add-attr-${suffix}`,
    label: parentId === undefined ? 'Add attribute' : 'Add inside',
    secondary: true,
    onClick: () => {
      if (chosen.trim() === '') return;
      addAttr(state, registry, parentId, chosen);
      ctx.changed(true);
    },
  });
  const el = h('div', { class: 'attr add-row' }, picker, add);
  el.style.setProperty('--depth', String(depth));
  return el;
}

function attrTree(ctx: FormContext, r: Resolution): HTMLElement {
  const views = attrViews(ctx.state, ctx.registry, r);
  const listed = requestAttrNames(currentOperation(ctx.state, r));
  const out: HTMLElement[] = [];
  const emit = (parentId: number | undefined, depth: number, scope: AttrScope): void => {
    for (const v of views.filter((x) => x.parentId === parentId)) {
      out.push(attrRow(ctx, v));
      if (v.container && v.childScope) emit(v.node.id, depth + 1, v.childScope);
    }
    out.push(addRow(ctx, scope, parentId, depth, listed));
  };
  emit(undefined, 0, {
    family: r.family,
    ...(r.attrSet ? { set: r.attrSet } : {}),
    label: r.attrSet?.name ?? 'attributes',
  });
  return h(
    'div',
    { class: 'attr-tree', 'data-testid': 'attr-tree', role: 'group', 'aria-label': 'Attributes' },
    ...out,
  );
}

function payloadSection(ctx: FormContext, r: Resolution): HTMLElement {
  const { state } = ctx;
  const mode = select({
    testid: 'payload-mode',
    field: 'payloadMode',
    label: 'Payload given as',
    value: state.payloadMode,
    options: [
      { value: 'attrs', label: `attributes${r.attrSet ? ` (${r.attrSet.name})` : ''}` },
      { value: 'text', label: 'text' },
      { value: 'hex', label: 'hex bytes' },
    ],
    onChange: (m) => {
      state.payloadMode = m as PayloadMode;
      ctx.changed(true);
    },
  });
  let body: HTMLElement;
  if (state.payloadMode === 'text') {
    body = h(
      'div',
      {},
      textArea({
        testid: 'payload-text',
        field: 'payload',
        label: 'Payload text',
        value: state.payloadText,
        rows: 3,
        onInput: (t) => {
          state.payloadText = t;
          ctx.changed(false);
        },
      }),
      checkbox({
        testid: 'payload-text-nul',
        label: 'end with NUL',
        checked: state.payloadTextNul,
        onChange: (on) => {
          state.payloadTextNul = on;
          ctx.changed(false);
        },
      }),
      errorSlot('payload'),
    );
  } else if (state.payloadMode === 'hex') {
    body = h(
      'div',
      {},
      textArea({
        testid: 'payload-hex',
        field: 'payload',
        label: 'Payload bytes as hex',
        value: state.payloadHex,
        rows: 4,
        placeholder: 'hex in any form: 01 02, 0x01,0x02, \\x01\\x02',
        onInput: (t) => {
          state.payloadHex = t;
          ctx.changed(false);
        },
      }),
      errorSlot('payload'),
    );
  } else body = attrTree(ctx, r);
  return h('div', { class: 'payload' }, row('Payload', mode), body);
}

/** The whole form for the current state, as the contents of the "Message" section. */
export function renderForm(ctx: FormContext): HTMLElement {
  const r = resolve(ctx.state, ctx.registry);
  return h(
    'div',
    { class: 'form', 'data-testid': 'form' },
    ...protocolSection(ctx, r),
    ...operationSection(ctx, r),
    ...messageSection(ctx, r),
    ...flagsSection(ctx, r),
    ...headerNumbers(ctx),
    fixedHeaderSection(ctx, r),
    payloadSection(ctx, r),
  );
}
