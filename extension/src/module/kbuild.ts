// Reading kbuild's output: compiler diagnostics (`file:line:col: error: ...`), modpost's ERROR/WARNING lines and
// make's own `*** ... Error N`, with paths where the sources were compiled mapped back to the local module folder.
// Pure: the caller passes the output and what it uploaded; nothing here touches files or processes.
import path from 'node:path';

export type KbuildSeverity = 'error' | 'warning' | 'note';

export interface KbuildDiagnostic {
  /** Local path when the problem is in a module source, else the path as the build printed it (or absent). */
  readonly file?: string;
  /** True when `file` is a file of the local module folder. */
  readonly local: boolean;
  /** 1-based; 1 when the tool names no line. */
  readonly line: number;
  /** 1-based; 1 when the tool names no column. */
  readonly col: number;
  readonly severity: KbuildSeverity;
  readonly message: string;
  readonly source: 'gcc' | 'modpost' | 'make';
}

export interface KbuildPathMap {
  /** The module folder as the compiler saw it (the remote upload folder, or the local build copy). POSIX. */
  readonly buildDir: string;
  /** The module folder the user edits. */
  readonly localDir: string;
  /** Module files relative to the folder ("nlreply.c", "sub/x.h"), as uploaded: only these map back. */
  readonly localFiles: ReadonlySet<string>;
  /** Source texts by relative name, to find where an undefined symbol is used (optional). */
  readonly sources?: ReadonlyMap<string, string>;
}

// file:line[:col]: severity: message. The path is the shortest run before ":<digits>:" (paths with ':' are rare).
const COMPILER = /^(.+?):(\d+):(?:(\d+):)? (fatal error|error|warning|note): (.*)$/;
const INCLUDED_FROM = /^(?:In file included from|\s+from) (.+?):(\d+)(?::\d+)?[:,]$/;
const MODPOST = /^(ERROR|WARNING): modpost: (.*)$/;
const MAKE_STOP = /^(.+?):(\d+): \*\*\* (.*?)\s*Stop\.$/;
const MAKE_ERROR = /^make(?:\[\d+\])?: \*\*\* (.*)$/;

interface Where {
  file?: string;
  local: boolean;
}

export function mapPath(printed: string, map: KbuildPathMap): Where {
  const p = printed.trim();
  const base = map.buildDir.replace(/\/+$/, '');
  let rel: string | undefined;
  if (p.startsWith(`${base}/`)) rel = p.slice(base.length + 1);
  // Kernels from 6.13 on compile external modules from inside M=: paths are then relative to the module.
  else if (!p.startsWith('/')) rel = p.replace(/^\.\//, '');
  if (rel !== undefined) {
    rel = path.posix.normalize(rel);
    if (map.localFiles.has(rel)) return { file: path.join(map.localDir, ...rel.split('/')), local: true };
  }
  return { file: p, local: false };
}

/** A modpost line names an object (`x.o`) or the module (`[x.ko]`): the object maps to its C file. */
function modpostWhere(message: string, map: KbuildPathMap): Where {
  const obj = /(\S+)\.o\b/.exec(message);
  if (obj) {
    const c = mapPath(`${obj[1]}.c`, map);
    if (c.local) return c;
  }
  return { local: false };
}

/** First line that calls `symbol` in the module's sources (not an extern declaration), 1-based. */
export function findSymbolUse(
  sources: ReadonlyMap<string, string>,
  symbol: string,
): { rel: string; line: number; col: number } | undefined {
  const call = new RegExp(`\\b${symbol.replace(/[^A-Za-z0-9_]/g, '')}\\s*\\(`);
  for (const [rel, text] of [...sources].sort(([a], [b]) =>
    a.endsWith('.c') === b.endsWith('.c') ? a.localeCompare(b) : a.endsWith('.c') ? -1 : 1,
  )) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i] as string;
      if (/^\s*(extern\b|\/\/|\*|\/\*)/.test(l)) continue;
      const m = call.exec(l);
      if (m) return { rel, line: i + 1, col: m.index + 1 };
    }
  }
  return undefined;
}

/** Everything worth showing in kbuild's output, in order, duplicates dropped. */
export function parseKbuildOutput(output: string, map: KbuildPathMap): KbuildDiagnostic[] {
  const out: KbuildDiagnostic[] = [];
  const seen = new Set<string>();
  const push = (d: KbuildDiagnostic): void => {
    const key = `${d.file ?? ''}:${d.line}:${d.col}:${d.severity}:${d.message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(d);
  };
  // A problem in a header is also shown at the module's line that included it ("In file included from"), or
  // better, where the module used the macro it came from ("note: in expansion of macro" on a module line).
  let chain: Array<{ file: string; line: number }> = [];
  const includedAt = new Map<string, { file: string; line: number }>();
  let pending: { d: KbuildDiagnostic; expansion?: { file: string; line: number; col: number } } | undefined;
  const flush = (): void => {
    if (!pending) return;
    const { d, expansion } = pending;
    pending = undefined;
    const where = `${d.file}:${d.line}:${d.col}`;
    const at: { file: string; line: number; col?: number } | undefined =
      expansion ?? (d.file === undefined ? undefined : includedAt.get(d.file));
    if (at)
      push({
        ...d,
        file: at.file,
        local: true,
        line: at.line,
        col: at.col ?? 1,
        message: `${d.message} (in ${where})`,
      });
    else push(d);
  };

  for (const raw of output.split('\n')) {
    const line = raw.replace(/\r$/, '');
    const inc = INCLUDED_FROM.exec(line);
    if (inc) {
      flush();
      if (line.startsWith('In file')) chain = [];
      const w = mapPath(inc[1] as string, map);
      if (w.local && w.file) chain.push({ file: w.file, line: Number(inc[2]) });
      continue;
    }
    const c = COMPILER.exec(line);
    if (c) {
      const w = mapPath(c[1] as string, map);
      const severity: KbuildSeverity = c[4] === 'warning' ? 'warning' : c[4] === 'note' ? 'note' : 'error';
      const message = (c[5] as string).trim();
      const lineNo = Number(c[2]);
      const col = c[3] === undefined ? 1 : Number(c[3]);
      if (pending && severity === 'note' && /^in (expansion|definition) of macro/.test(message)) {
        // The last module line in the expansion chain is where the user wrote the macro.
        if (w.local && w.file) pending.expansion = { file: w.file, line: lineNo, col };
        continue;
      }
      flush();
      if (chain.length > 0 && w.file) {
        // The outermost local includer: where the user can act on a header they did not write.
        includedAt.set(w.file, chain[chain.length - 1] as { file: string; line: number });
        chain = [];
      }
      if (w.local) {
        push({ file: w.file, local: true, line: lineNo, col, severity, message, source: 'gcc' });
        continue;
      }
      pending = {
        d: { ...(w.file ? { file: w.file } : {}), local: false, line: lineNo, col, severity, message, source: 'gcc' },
      };
      continue;
    }
    if (/^\S/.test(line) && !/: In function |: At top level:|^\s*\d+ \|/.test(line)) flush();
    const mp = MODPOST.exec(line);
    if (mp) {
      const message = (mp[2] as string).trim();
      const severity: KbuildSeverity = mp[1] === 'ERROR' ? 'error' : 'warning';
      const undefinedSym = /^"([^"]+)" \[[^\]]+\] undefined!$/.exec(message);
      const use = undefinedSym && map.sources ? findSymbolUse(map.sources, undefinedSym[1] as string) : undefined;
      if (use && map.localFiles.has(use.rel)) {
        const file = path.join(map.localDir, ...use.rel.split('/'));
        push({
          file,
          local: true,
          line: use.line,
          col: use.col,
          severity,
          message: `modpost: ${message}`,
          source: 'modpost',
        });
        continue;
      }
      const w = modpostWhere(message, map);
      push({
        ...(w.file ? { file: w.file } : {}),
        local: w.local,
        line: 1,
        col: 1,
        severity,
        message: `modpost: ${message}`,
        source: 'modpost',
      });
      continue;
    }
    const stop = MAKE_STOP.exec(line);
    if (stop) {
      const w = mapPath(stop[1] as string, map);
      push({
        ...(w.file ? { file: w.file } : {}),
        local: w.local,
        line: Number(stop[2]),
        col: 1,
        severity: 'error',
        message: `make: ${(stop[3] as string).replace(/\.$/, '')}`,
        source: 'make',
      });
      continue;
    }
    const mk = MAKE_ERROR.exec(line);
    if (mk)
      push({
        local: false,
        line: 1,
        col: 1,
        severity: 'error',
        message: `make: ${(mk[1] as string).trim()}`,
        source: 'make',
      });
  }
  flush();
  return out;
}

/** The diagnostics a person should look at first: compiler and modpost ones; make's only when there is nothing else. */
export function primaryDiagnostics(all: readonly KbuildDiagnostic[]): KbuildDiagnostic[] {
  const own = all.filter((d) => d.source !== 'make' || d.local);
  return own.some((d) => d.severity === 'error') ? own : [...all];
}
