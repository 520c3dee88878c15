// The README the VSIX carries (`npm run package` passes it to vsce with --readme-path): README.md without its
// screenshots and without the sections for those who work on the extension itself (its tests, benchmarks, source
// layout). The pictures (~450 KB) would be most of the VSIX, which stays under 1 MB; they stay in the repository,
// and the extension's details page shows the text. A picture line becomes a sentence naming what it showed.
//   node --import tsx tools/build/vsix-readme.ts README.md dist/README.vsix.md
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A line that is only a picture of media/: `![alt](media/x.png)`. */
const PICTURE = /^!\[([^\]]*)\]\(media\/[^)]+\.png\)\s*$/;

/** Second-level sections for the extension's own developers: in the repository's README only. */
const DEVELOPER_SECTIONS = /^## (Tests|Speed|Layout)\b/;

export function vsixReadme(readme: string): string {
  const out: string[] = [];
  let skipping = false;
  for (const line of readme.split('\n')) {
    if (line.startsWith('## ')) {
      skipping = DEVELOPER_SECTIONS.test(line);
      if (skipping) out.push(`${line}\n\nIn the repository's README.\n`);
    }
    if (skipping) continue;
    const m = PICTURE.exec(line);
    out.push(m ? `*(Screenshot in the repository's README: ${m[1]}.)*` : line);
  }
  return out.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [from, to] = process.argv.slice(2);
  if (!from || !to) {
    console.error('usage: vsix-readme.ts README.md OUT.md');
    process.exit(2);
  }
  writeFileSync(to, vsixReadme(readFileSync(from, 'utf8')));
}
