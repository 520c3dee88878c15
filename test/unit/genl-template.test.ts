// The generic netlink template (kmod-genl/) and what is generated from a spec: the "new module" copy of it, the
// YNL-generated files found by their header and regenerated when the spec is newer (with the kernel's ynl-gen-c
// when it is in the cache), negative exercise steps from the spec, and a generic netlink exercise step encoded
// with its family id and judged against an ext-ack that names an attribute.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeSend } from '../../extension/src/exercise/encodeStep';
import { parseExerciseText } from '../../extension/src/exercise/loadFile';
import { judge } from '../../extension/src/exercise/match';
import { negativeExerciseText, negativeSteps } from '../../extension/src/exercise/negative';
import { decodeReplies, exerciseRegistry } from '../../extension/src/exercise/runner';
import { readModuleSources } from '../../extension/src/module/moduleSources';
import { copyModuleTemplate, MODULE_TEMPLATES } from '../../extension/src/module/template';
import {
  findGeneratedFiles,
  parseYnlGenHeader,
  regenerate,
  regenerateStale,
  staleGeneratedFiles,
} from '../../extension/src/module/ynlGen';
import {
  encodeAttr,
  encodeMessage,
  encodeString,
  NLM_F_ACK_TLVS,
  NLMSG_ERROR,
  NLMSGERR_ATTR_MISS_TYPE,
  NLMSGERR_ATTR_MSG,
  NLMSGERR_ATTR_OFFS,
} from '../../extension/src/netlink/index';
import { loadYnlSpec } from '../../extension/src/netlink/ynl/index';
import { registryFor } from '../../extension/src/specs/specFiles';

const REPO = path.join(__dirname, '..', '..');
const TEMPLATE = path.join(REPO, 'kmod-genl');
const SPEC = path.join(TEMPLATE, 'genldemo.yaml');
const CACHE = process.env.NETLINK_CACHE || path.join(REPO, '.cache');
const GENERATOR = path.join(CACHE, 'ynl-gen-6.12', 'linux-source-6.12', 'tools', 'net', 'ynl', 'ynl-gen-c.py');
const noGenerator = existsSync(GENERATOR)
  ? false
  : `ynl-gen-c not in ${GENERATOR}; run: bash test/fixtures/ynl/fetch-ynl-gen.sh`;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'genl-template-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function family() {
  const r = loadYnlSpec(readFileSync(SPEC, 'utf8'), SPEC);
  assert.deepEqual(r.problems, []);
  return r.family!;
}

describe('the generic netlink template', () => {
  it('is offered by "new module" and copied with its generated uapi header and exercises', async () => {
    const t = MODULE_TEMPLATES.find((x) => x.id === 'genl');
    assert.equal(t?.folder, 'kmod-genl');
    const dest = path.join(tmp, 'mygenl');
    const written = await copyModuleTemplate(path.join(REPO, t.folder), dest);
    for (const f of [
      'Kbuild',
      'Makefile',
      'genldemo-main.c',
      'genldemo-nl.c',
      'genldemo-nl.h',
      'genldemo.yaml',
      'include/uapi/linux/genldemo.h',
      'exercises/genldemo-negative.yaml',
    ])
      assert.ok(written.includes(f), `${f} copied (${written.join(', ')})`);
    // The copy's generated files are not older than its spec: building it does not ask for the generator.
    assert.deepEqual(await staleGeneratedFiles(dest, await findGeneratedFiles(dest)), []);
    // The uapi header is a build input (uploaded with the sources).
    const src = await readModuleSources(dest);
    assert.equal(src.moduleName, 'genldemo');
    assert.ok(src.files.includes('include/uapi/linux/genldemo.h'));
  });

  it('finds the generated files by the generator header', async () => {
    assert.deepEqual(parseYnlGenHeader(readFileSync(path.join(TEMPLATE, 'genldemo-nl.c'), 'utf8')), {
      spec: 'genldemo.yaml',
      mode: 'kernel',
      kind: 'source',
    });
    assert.equal(parseYnlGenHeader(readFileSync(path.join(TEMPLATE, 'genldemo-main.c'), 'utf8')), undefined);
    const files = await findGeneratedFiles(TEMPLATE);
    assert.deepEqual(
      files.map((f) => `${f.file} ${f.mode} ${f.kind}`),
      ['genldemo-nl.c kernel source', 'genldemo-nl.h kernel header', 'include/uapi/linux/genldemo.h uapi header'],
    );
  });

  it('looks for the generator only when a spec is newer than its generated files, and stops if none', async () => {
    const dest = path.join(tmp, 'stale');
    await copyModuleTemplate(TEMPLATE, dest);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dest, 'genldemo.yaml'), later, later);
    const stale = await staleGeneratedFiles(dest, await findGeneratedFiles(dest));
    assert.equal(stale.length, 3);
    let asked = 0;
    const none = async (): Promise<string> => {
      asked++;
      throw new Error('no generator here');
    };
    await assert.rejects(regenerateStale(dest, { findGenerator: none }), /no generator here/);
    assert.equal(asked, 1);
    const fresh = path.join(tmp, 'fresh');
    await copyModuleTemplate(TEMPLATE, fresh);
    assert.deepEqual(await regenerateStale(fresh, { findGenerator: none }), []);
    assert.equal(asked, 1, 'an up-to-date module does not need the generator');
    // A file generated from a spec elsewhere (as in a kernel tree) is left alone.
    const nl = path.join(dest, 'genldemo-nl.c');
    writeFileSync(
      nl,
      readFileSync(nl, 'utf8').replace('/*\tgenldemo.yaml */', '/*\tDocumentation/netlink/specs/genldemo.yaml */'),
    );
    utimesSync(nl, new Date(0), new Date(0));
    assert.deepEqual(
      (await staleGeneratedFiles(dest, await findGeneratedFiles(dest))).map((f) => f.file),
      ['genldemo-nl.h', 'include/uapi/linux/genldemo.h'],
    );
  });

  it(
    'regenerates byte for byte what is committed (the template is in sync with its spec)',
    { skip: noGenerator },
    async () => {
      const dest = path.join(tmp, 'regen');
      await copyModuleTemplate(TEMPLATE, dest);
      const files = await findGeneratedFiles(dest);
      for (const f of files) writeFileSync(path.join(dest, f.file), 'stale\n');
      await regenerate(dest, files, { generator: GENERATOR });
      for (const f of files) {
        assert.equal(
          readFileSync(path.join(dest, f.file), 'utf8'),
          readFileSync(path.join(TEMPLATE, f.file), 'utf8'),
          f.file,
        );
      }
    },
  );

  it('a spec change reaches the generated tables on the next build', { skip: noGenerator }, async () => {
    const dest = path.join(tmp, 'changed');
    await copyModuleTemplate(TEMPLATE, dest);
    const spec = path.join(dest, 'genldemo.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('value: 1024', 'value: 2048'));
    const later = new Date(Date.now() + 5000);
    utimesSync(spec, later, later);
    const done = await regenerateStale(dest, { findGenerator: async () => GENERATOR });
    assert.equal(done.length, 3);
    assert.match(readFileSync(path.join(dest, 'include/uapi/linux/genldemo.h'), 'utf8'), /GENLDEMO_MAX_ENTRIES\t2048/);
    assert.ok(statSync(path.join(dest, 'genldemo-nl.c')).mtimeMs >= statSync(spec).mtimeMs - 5000);
  });

  it('reports a spec the generator rejects with its own message', { skip: noGenerator }, async () => {
    const dest = path.join(tmp, 'bad');
    await copyModuleTemplate(TEMPLATE, dest);
    const spec = path.join(dest, 'genldemo.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('kernel-policy: per-op', 'kernel-policy: sometimes'));
    const files = await findGeneratedFiles(dest);
    await assert.rejects(regenerate(dest, files, { generator: GENERATOR }), /ynl-gen-c could not generate .*sometimes/);
    // Nothing was overwritten.
    assert.equal(
      readFileSync(path.join(dest, 'genldemo-nl.c'), 'utf8'),
      readFileSync(path.join(TEMPLATE, 'genldemo-nl.c'), 'utf8'),
    );
  });
});

describe('negative exercise steps from a spec', () => {
  it('makes one step per kind of invalid request, each with errno and ext-ack', () => {
    const { steps, skipped } = negativeSteps(family(), { required: { get: ['id'], set: ['id'] } });
    assert.deepEqual(skipped, []);
    const brief = steps.map(
      (s) => `${s.send.cmd} ${s.expect.error.errno} ${s.expect.error.attr ?? '-'} ${s.expect.error.message ?? '-'}`,
    );
    assert.deepEqual(brief, [
      'get EINVAL id -',
      'set EINVAL id -',
      'get ERANGE id integer out of range',
      'set ERANGE id integer out of range',
      'set EINVAL name Attribute failed policy validation',
      'get EINVAL - Unknown attribute type',
      'get EINVAL - Unknown attribute type',
    ]);
    // Out of range is one past the check; too long is one byte past max-len; the nested one is meta.note (2),
    // above get's only attribute; the unknown one is past the set's last (meta, 4).
    assert.deepEqual(steps[2]?.send.attrs, [{ type: 1, u32: 1025 }]);
    assert.equal((steps[4]?.send.attrs[1] as { string: string }).string.length, 16);
    assert.deepEqual(steps[5]?.send.attrs, [
      { type: 1, u32: 1 },
      { type: 2, string: 'x' },
    ]);
    assert.deepEqual(steps[6]?.send.attrs, [
      { type: 1, u32: 1 },
      { type: 5, u32: 0 },
    ]);
  });

  it('says what it could not make, and refuses a classic family', () => {
    const raw = loadYnlSpec(readFileSync(path.join(REPO, 'kmod', 'nlreply.yaml'), 'utf8'), 'nlreply.yaml').family!;
    assert.match(negativeSteps(raw).skipped.join(), /not a generic netlink family/);
    const noChecks = loadYnlSpec(
      readFileSync(SPEC, 'utf8').replace(/\n {8}checks:\n( {10}\S.*\n)+/g, '\n'),
      SPEC,
    ).family!;
    const r = negativeSteps(noChecks);
    assert.match(r.skipped.join('\n'), /outside checks/);
    assert.match(r.skipped.join('\n'), /string too long/);
  });

  it('writes an exercise file that parses, and its steps encode with the family id', () => {
    const text = negativeExerciseText(family(), '../genldemo.yaml', negativeSteps(family()));
    const file = path.join(TEMPLATE, 'exercises', 'generated.yaml');
    const parsed = parseExerciseText(text, file);
    assert.deepEqual(parsed.problems, []);
    const ex = parsed.exercise!;
    assert.equal(ex.protocol, 16);
    const step = ex.steps.find((s) => s.name.startsWith('get with id 1025'))!;
    assert.throws(() => encodeSend(step.send, { seq: 1 }), /id of the generic netlink family genldemo is not known/);
    const bytes = encodeSend(step.send, { seq: 9, genlIds: new Map([['genldemo', 0x1c]]) });
    const v = new DataView(bytes.buffer);
    assert.equal(v.getUint16(4, true), 0x1c);
    assert.equal(v.getUint16(6, true), 0x5); // REQUEST|ACK
    assert.deepEqual([...bytes.subarray(16, 20)], [1, 1, 0, 0]); // genlmsghdr: cmd get, version 1
  });

  it('the shipped negative exercise is what the generator makes from the shipped spec', () => {
    const shipped = readFileSync(path.join(TEMPLATE, 'exercises', 'genldemo-negative.yaml'), 'utf8');
    assert.equal(
      shipped,
      negativeExerciseText(family(), '../genldemo.yaml', negativeSteps(family(), { required: { set: ['id'] } })),
    );
  });

  it('judges an ext-ack by the attribute it names (missing type, offset)', () => {
    const text = negativeExerciseText(family(), '../genldemo.yaml', negativeSteps(family()));
    const ex = parseExerciseText(text, path.join(TEMPLATE, 'exercises', 'generated.yaml')).exercise!;
    const registry = exerciseRegistry(ex);
    registry.bindGenlId(0x1c, 'genldemo');
    const missing = ex.steps[0]!;
    const sent = encodeSend(missing.send, { seq: 1, genlIds: new Map([['genldemo', 0x1c]]) });
    const err = (code: number, tlvs: Uint8Array): Uint8Array => {
      const body = new Uint8Array(4 + sent.length + tlvs.length);
      new DataView(body.buffer).setInt32(0, code, true);
      body.set(sent, 4);
      body.set(tlvs, 4 + sent.length);
      return encodeMessage({ type: NLMSG_ERROR, flags: NLM_F_ACK_TLVS, seq: 1, pid: 0 }, body);
    };
    const u32 = (n: number): Uint8Array => new Uint8Array(new Uint32Array([n]).buffer);
    const missType = (t: number) => encodeAttr({ type: NLMSGERR_ATTR_MISS_TYPE, payload: u32(t) });
    const vars = { seq: 1 };
    const verdict = (reply: Uint8Array) =>
      judge(missing.expect, decodeReplies([reply], 16, registry).views, vars, false, 1000);
    assert.deepEqual(verdict(err(-22, missType(1))).reasons, []);
    assert.match(verdict(err(-22, missType(2))).reasons.join(), /names "name", expected "id"/);
    assert.match(verdict(err(-22, new Uint8Array(0))).reasons.join(), /names no attribute/);
    // The range step: the offset points at the attribute in the echoed request.
    const range = ex.steps.find((s) => s.expect.kind === 'error' && s.expect.errno === 34)!;
    const rangeSent = encodeSend(range.send, { seq: 1, genlIds: new Map([['genldemo', 0x1c]]) });
    const body = new Uint8Array(4 + rangeSent.length);
    new DataView(body.buffer).setInt32(0, -34, true);
    body.set(rangeSent, 4);
    const tlvs = new Uint8Array([
      ...encodeAttr({ type: NLMSGERR_ATTR_MSG, payload: encodeString('integer out of range') }),
      ...encodeAttr({ type: NLMSGERR_ATTR_OFFS, payload: u32(20) }),
    ]);
    const reply = encodeMessage(
      { type: NLMSG_ERROR, flags: NLM_F_ACK_TLVS, seq: 1, pid: 0 },
      new Uint8Array([...body, ...tlvs]),
    );
    assert.deepEqual(judge(range.expect, decodeReplies([reply], 16, registry).views, vars, false, 1000).reasons, []);
  });
});

describe('the module folder as a spec folder', () => {
  const sources = (trusted: boolean) => ({
    specFolders: [],
    genlFamilyIds: {},
    workspaceFolders: [],
    workspaceTrusted: trusted,
    moduleFolder: TEMPLATE,
  });
  it('loads the module folder spec in a trusted workspace (decoder and builder use it)', () => {
    const r = registryFor(sources(true), '/nonexistent/dist');
    assert.deepEqual(r.problems, []);
    assert.equal(r.registry.genlByFamilyName('genldemo')?.source, SPEC);
  });
  it('reads nothing of it while the workspace is not trusted', () => {
    assert.equal(registryFor(sources(false), '/nonexistent/dist').registry.genlByFamilyName('genldemo'), undefined);
  });
});
