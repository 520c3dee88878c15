// kbuild's real output (captured from broken copies of kmod/ built against Debian 6.1 and 6.12 headers, see
// fixtures-kbuild/README.md) parsed into diagnostics whose paths point into the local module folder.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseKbuildOutput, primaryDiagnostics, type KbuildDiagnostic } from '../../extension/src/module/kbuild';

const FIXTURES = path.join(__dirname, 'fixtures-kbuild');
const LOCAL = path.join(path.sep, 'home', 'dev', 'project', 'kmod');
const fixture = (name: string): string => readFileSync(path.join(FIXTURES, name), 'utf8');
const local = (f: string): string => path.join(LOCAL, f);
const brief = (d: KbuildDiagnostic): string =>
  `${d.file ? path.basename(d.file) : '-'}:${d.line}:${d.col} ${d.severity} ${d.local ? 'local' : 'remote'} ${d.source}`;

function parse(name: string, buildDir: string, files: string[], sources?: Map<string, string>): KbuildDiagnostic[] {
  return parseKbuildOutput(fixture(name), {
    buildDir,
    localDir: LOCAL,
    localFiles: new Set(files),
    ...(sources ? { sources } : {}),
  });
}

/** The broken source of the modpost fixtures, made the way it was made (fixtures-kbuild/README.md). */
function modpostBrokenSource(): string {
  const c = readFileSync(path.join(__dirname, '..', '..', 'kmod', 'nlreply.c'), 'utf8');
  return c
    .replace('#include <net/sock.h>\n', '#include <net/sock.h>\n\nextern void nlreply_missing_symbol(void);\n')
    .replace(
      'static int __init nlreply_init(void)\n{\n',
      'static int __init nlreply_init(void)\n{\n\tnlreply_missing_symbol();\n',
    )
    .replace('MODULE_LICENSE("GPL");\n', '');
}

for (const version of ['6.1', '6.12']) {
  describe(`gcc errors and warnings (${version} headers)`, () => {
    const ds = parse(`gcc-errors-${version}.txt`, '/tmp/kb-a', ['Kbuild', 'Makefile', 'nlreply.c', 'nlreply_extra.h']);

    it("finds the header error, its note and three warnings on local files with gcc's line and column", () => {
      const gcc = ds.filter((d) => d.source === 'gcc');
      assert.deepEqual(gcc.map(brief), [
        'nlreply_extra.h:4:16 error local gcc',
        'nlreply_extra.h:4:16 note local gcc',
        'nlreply.c:198:17 warning local gcc',
        'nlreply.c:198:13 warning local gcc',
        'nlreply.c:197:13 warning local gcc',
      ]);
      assert.equal(gcc[0]?.file, local('nlreply_extra.h'));
      assert.equal(gcc[2]?.file, local('nlreply.c'));
      assert.match(gcc[0]?.message ?? '', /undeclared_in_header.+undeclared \(first use in this function\)/);
      assert.match(gcc[2]?.message ?? '', /makes integer from pointer without a cast \[-Wint-conversion\]$/);
      assert.match(gcc[4]?.message ?? '', /unused variable .unused_var. \[-Wunused-variable\]/);
    });

    it('keeps make\'s "*** ... Error N" lines, but not among the primary diagnostics when gcc said why', () => {
      const make = ds.filter((d) => d.source === 'make');
      assert.ok(make.length >= 2, JSON.stringify(make));
      assert.ok(make.every((d) => d.severity === 'error' && !d.local));
      assert.match(make[0]?.message ?? '', /^make: \[.*Makefile\.build:\d+: \/tmp\/kb-a\/nlreply\.o\] Error 1$/);
      assert.deepEqual(
        primaryDiagnostics(ds).filter((d) => d.source === 'make'),
        [],
      );
    });
  });

  describe(`modpost errors (${version} headers)`, () => {
    const source = modpostBrokenSource();
    const ds = parse(
      `modpost-errors-${version}.txt`,
      '/tmp/kb-b',
      ['Kbuild', 'Makefile', 'nlreply.c'],
      new Map([['nlreply.c', source]]),
    );

    it('maps "missing MODULE_LICENSE() in x.o" to x.c', () => {
      const lic = ds.find((d) => /MODULE_LICENSE/.test(d.message));
      assert.ok(lic);
      assert.equal(brief(lic), 'nlreply.c:1:1 error local modpost');
      assert.equal(lic.message, 'modpost: missing MODULE_LICENSE() in /tmp/kb-b/nlreply.o');
    });

    it('puts an undefined symbol where the module calls it', () => {
      const sym = ds.find((d) => /undefined!/.test(d.message));
      assert.ok(sym);
      const lines = source.split('\n');
      const callLine = lines.findIndex((l) => l === '\tnlreply_missing_symbol();') + 1;
      assert.ok(callLine > 0);
      assert.equal(brief(sym), `nlreply.c:${callLine}:2 error local modpost`);
      assert.equal(sym.message, 'modpost: "nlreply_missing_symbol" [/tmp/kb-b/nlreply.ko] undefined!');
    });
  });
}

describe('modpost warning on a module that builds', () => {
  it("is a warning on the object's C file, and the only diagnostic", () => {
    const ds = parse('modpost-warning-6.1.txt', '/tmp/kb-c', ['Kbuild', 'Makefile', 'nlreply.c']);
    assert.deepEqual(ds.map(brief), ['nlreply.c:1:1 warning local modpost']);
    assert.match(
      ds[0]?.message ?? '',
      /^modpost: \/tmp\/kb-c\/nlreply\.o: section mismatch in reference: nlreply_late_helper .* -> nlreply_setup_value/,
    );
  });
});

describe('a warning inside a kernel header', () => {
  const ds = parse('header-warning-6.1.txt', '/tmp/kb-d', ['Kbuild', 'Makefile', 'nlreply.c']);

  it('is shown at the module line whose #include brought the header in, naming the header', () => {
    const w = ds.find((d) => d.severity === 'warning');
    assert.ok(w);
    assert.equal(brief(w), 'nlreply.c:30:1 warning local gcc');
    assert.match(w.message, /^"NLMSG_ALIGNTO" redefined \(in \/.*\/include\/uapi\/linux\/netlink\.h:98:1\)$/);
  });

  it("the note about the earlier definition stays on the module's own line (no column given: 1)", () => {
    const n = ds.find((d) => d.severity === 'note');
    assert.equal(n && brief(n), 'nlreply.c:24:1 note local gcc');
  });
});

describe('an error inside a kernel macro', () => {
  it('is shown where the module used the macro (the last module line of "in expansion of macro")', () => {
    const ds = parse('macro-expansion-6.1.txt', '/tmp/kb-f', ['Kbuild', 'Makefile', 'nlreply.c']);
    const gcc = ds.filter((d) => d.source === 'gcc');
    assert.deepEqual(gcc.map(brief), ['nlreply.c:226:1 error local gcc']);
    assert.match(
      gcc[0]!.message,
      /^expected .,. or .;. before .static. \(in \/.*\/include\/linux\/moduleparam\.h:24:9\)$/,
    );
  });
});

describe('Kbuild syntax error', () => {
  it("is an error on Kbuild's line", () => {
    const ds = parse('kbuild-syntax-6.1.txt', '/tmp/kb-e', ['Kbuild', 'Makefile', 'nlreply.c']);
    const stop = ds.find((d) => d.local);
    assert.ok(stop);
    assert.equal(brief(stop), 'Kbuild:2:1 error local make');
    assert.equal(stop.message, 'make: missing separator');
    assert.equal(stop.file, local('Kbuild'));
    assert.ok(primaryDiagnostics(ds).includes(stop));
  });
});

describe('path mapping', () => {
  it('maps relative paths (kernels from 6.13 compile inside M=) only for files that were uploaded', () => {
    const out =
      "nlreply.c:10:5: error: expected ';' before '}' token\n./include/linux/kernel.h:3:1: warning: something\n";
    const ds = parseKbuildOutput(out, { buildDir: '/w/kmod-1', localDir: LOCAL, localFiles: new Set(['nlreply.c']) });
    assert.deepEqual(ds.map(brief), ['nlreply.c:10:5 error local gcc', 'kernel.h:3:1 warning remote gcc']);
  });

  it("does not map a sibling folder that merely starts with the build folder's name", () => {
    const ds = parseKbuildOutput('/w/kmod-10/nlreply.c:1:1: error: x\n', {
      buildDir: '/w/kmod-1',
      localDir: LOCAL,
      localFiles: new Set(['nlreply.c']),
    });
    assert.equal(ds[0]?.local, false);
  });
});
