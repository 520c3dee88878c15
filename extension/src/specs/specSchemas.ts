// The kernel's schema for a YNL spec's protocol (Documentation/netlink/<protocol>.yaml) from places the user
// trusts: the kernel tree the spec sits in, the parents of the spec folders in the settings, and the workspace
// folders once the workspace is trusted. Ajv compiles a schema into code, so a schema is never taken from an
// untrusted workspace. Read through the bounded reader; parsed with duplicate keys allowed (the kernel's
// netlink-raw.yaml of 6.12 repeats an `if:` key, and its own Python tooling keeps the last).
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { readBoundedText } from '../boundedRead';
import { MAX_SPEC_BYTES } from './specFiles';

export interface SchemaPlaces {
  readonly specFolders: readonly string[];
  readonly workspaceFolders: readonly string[];
  readonly workspaceTrusted: boolean;
}

export interface FoundSchema {
  readonly key: string;
  readonly path: string;
  readonly body: Record<string, unknown>;
}

const cache = new Map<string, { mtimeMs: number; schema: FoundSchema | undefined }>();

/** The folders to look in for `<protocol>.yaml`, nearest first. */
function candidateFolders(specPath: string | undefined, places: SchemaPlaces): string[] {
  const out: string[] = [];
  if (specPath !== undefined && places.workspaceTrusted) {
    // .../Documentation/netlink/specs/x.yaml -> .../Documentation/netlink; or a tree root further up.
    let dir = dirname(specPath);
    for (let i = 0; i < 8; i++) {
      out.push(dir, join(dir, 'Documentation', 'netlink'));
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  for (const f of places.specFolders) out.push(dirname(f), f);
  if (places.workspaceTrusted) for (const w of places.workspaceFolders) out.push(join(w, 'Documentation', 'netlink'));
  return [...new Set(out)];
}

function readSchema(path: string): FoundSchema | undefined {
  let mtimeMs: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) return undefined;
    mtimeMs = st.mtimeMs;
  } catch {
    return undefined;
  }
  const cached = cache.get(path);
  if (cached && cached.mtimeMs === mtimeMs) return cached.schema;
  const read = readBoundedText(path, { maxBytes: MAX_SPEC_BYTES });
  let schema: FoundSchema | undefined;
  if ('text' in read) {
    try {
      const body: unknown = parse(read.text, { uniqueKeys: false, maxAliasCount: 100 });
      if (body && typeof body === 'object' && !Array.isArray(body))
        schema = { key: `${path}@${mtimeMs}`, path, body: body as Record<string, unknown> };
    } catch {
      schema = undefined; // not YAML: no schema from here, the next place may have one
    }
  }
  cache.set(path, { mtimeMs, schema });
  return schema;
}

/** The schema for `protocol` nearest to the spec at `specPath`, or undefined when no trusted place has one. */
export function findSpecSchema(
  protocol: string,
  specPath: string | undefined,
  places: SchemaPlaces,
): FoundSchema | undefined {
  if (!/^[\w-]+$/.test(protocol)) return undefined;
  for (const folder of candidateFolders(specPath, places)) {
    const schema = readSchema(join(folder, `${protocol}.yaml`));
    if (schema) return schema;
  }
  return undefined;
}
