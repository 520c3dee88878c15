// Who may import whom (docs/ARCHITECTURE.md, "Boundaries"), checked on every import of every TypeScript file:
// a relative import is resolved to the file it names, a package by its name. One table, one rule, so a crossing
// fails the lint with the part's name instead of surfacing later as a bundle that pulls in the wrong runtime.
import path from 'node:path';

/** Each part: the files it is made of, the parts' files it may import, the packages it may import. */
export const parts = [
  {
    name: 'the codec',
    files: ['extension/src/netlink/'],
    mayImport: ['extension/src/netlink/'],
    packages: ['yaml'],
  },
  {
    // The messages between two processes; the builder's messages carry its pure model's state.
    name: 'a shared contract',
    files: ['extension/src/protocol/'],
    mayImport: [
      'extension/src/protocol/',
      'extension/src/netlink/',
      'webview/src/model/',
      'extension/src/settingDefaults.ts',
    ],
    packages: ['vscode-languageserver-protocol'],
  },
  {
    // The capture viewer's UI: the builder's pieces (decoded tree, hex view, byte map, copy-as) and its own contract.
    name: 'the capture viewer webview',
    files: ['webview/src/capture/'],
    mayImport: [
      'webview/src/',
      'extension/src/netlink/',
      'extension/src/protocol/captureViewer.ts',
      'extension/src/protocol/webview.ts',
    ],
    packages: ['@vscode-elements/'],
  },
  {
    // The capture index pass in a worker thread: the codec's reader and the index's columns, node and nothing else.
    name: 'the capture index worker',
    files: [
      'extension/src/capture/indexWorker.ts',
      'extension/src/capture/indexBatch.ts',
      'extension/src/capture/indexerMessages.ts',
    ],
    mayImport: [
      'extension/src/netlink/',
      'extension/src/capture/indexBatch.ts',
      'extension/src/capture/indexerMessages.ts',
    ],
    packages: ['node:'],
  },
  {
    // The capture viewer's host side: the index, the file, the viewer's contract; the builder's HTML and catalog.
    name: 'the capture host',
    files: ['extension/src/capture/'],
    mayImport: [
      'extension/src/capture/',
      'extension/src/netlink/',
      'extension/src/protocol/captureViewer.ts',
      'extension/src/protocol/webview.ts',
      'extension/src/builder/html.ts',
      'extension/src/builder/catalog.ts',
    ],
    packages: ['node:', 'vscode'],
  },
  {
    name: 'the webview',
    files: ['webview/src/'],
    mayImport: ['webview/src/', 'extension/src/netlink/', 'extension/src/protocol/webview.ts'],
    packages: ['@vscode-elements/'],
  },
  {
    name: 'the language server',
    files: ['extension/src/server/'],
    mayImport: [
      'extension/src/server/',
      'extension/src/netlink/',
      'extension/src/protocol/languageServer.ts',
      'extension/src/lint/',
      'extension/src/specs/specFiles.ts',
      'extension/src/specs/specSchemas.ts',
    ],
    packages: [
      'node:',
      'ajv',
      'yaml',
      'vscode-languageserver',
      'vscode-languageserver-protocol',
      'vscode-languageserver-textdocument',
      'web-tree-sitter',
    ],
  },
  {
    // The CLI and the node-side spec reading it shares with the language server: no VS Code API.
    name: 'the CLI',
    files: [
      'extension/src/cli.ts',
      'extension/src/cliPcap.ts',
      'extension/src/cliJson.ts',
      'extension/src/cliLint.ts',
      'extension/src/chunkedWriter.ts',
      'extension/src/specs/specFiles.ts',
      'extension/src/specs/specSchemas.ts',
      'extension/src/boundedRead.ts',
    ],
    mayImport: [
      'extension/src/netlink/',
      'extension/src/cliPcap.ts',
      'extension/src/cliJson.ts',
      'extension/src/lint/',
      'extension/src/cliLint.ts',
      'extension/src/chunkedWriter.ts',
      'extension/src/specs/specFiles.ts',
      'extension/src/boundedRead.ts',
      // Its `lint` and `exercise` commands, imported at run time by their bundles' file names (bundles of their own).
      'extension/src/cliLint.js',
      'extension/src/cliExercise.js',
    ],
    packages: ['node:', 'yaml'],
  },
  {
    // The Test Explorer's runner, the lab, the target layer and the module build without VS Code.
    name: 'the exercise CLI',
    files: ['extension/src/cliExercise.ts', 'extension/src/exerciseCli/'],
    mayImport: [
      'extension/src/exerciseCli/',
      'extension/src/exercise/',
      'extension/src/exchange/',
      'extension/src/lab/',
      'extension/src/target/',
      'extension/src/module/',
      'extension/src/netlink/',
      'extension/src/boundedRead.ts',
    ],
    packages: ['node:', 'yaml'],
  },
  {
    // The netlink linter for kernel C: the C parser (tree-sitter's WASM), the CFG and the checks. Shared by the CLI
    // and the language server, so it may know neither (and no vscode).
    name: 'the linter',
    files: ['extension/src/lint/'],
    mayImport: ['extension/src/lint/', 'extension/src/netlink/escape.ts'],
    packages: ['node:', 'web-tree-sitter'],
  },
  {
    // Starting programs here: used by the target, module and lab code, so it may know none of them.
    name: 'the process runner',
    files: ['extension/src/process/'],
    mayImport: ['extension/src/process/'],
    packages: ['node:'],
  },
  {
    // Debian's packages for the lab and for module builds alike: both import it, it imports neither.
    name: 'the Debian machinery',
    files: ['extension/src/debian/'],
    mayImport: ['extension/src/debian/', 'extension/src/process/'],
    packages: ['node:'],
  },
];

const startsWithAny = (value, prefixes) => prefixes.some((p) => value === p || value.startsWith(p));
const packageAllowed = (spec, packages) =>
  packages.some((p) =>
    p.endsWith(':') || p.endsWith('/') ? spec.startsWith(p) : spec === p || spec.startsWith(`${p}/`),
  );

export const boundariesPlugin = {
  rules: {
    imports: {
      meta: { type: 'problem', schema: [], messages: { crossing: '{{part}} may not import {{target}}' } },
      create(context) {
        const root = context.cwd;
        const file = path.relative(root, context.filename).split(path.sep).join('/');
        const part = parts.find((p) => startsWithAny(file, p.files));
        if (!part) return {};
        const check = (node, spec) => {
          if (typeof spec !== 'string') return;
          let allowed;
          let target = spec;
          if (spec.startsWith('.')) {
            target = path
              .relative(root, path.resolve(path.dirname(context.filename), spec))
              .split(path.sep)
              .join('/');
            allowed = startsWithAny(target, part.mayImport) || startsWithAny(`${target}.ts`, part.mayImport);
          } else {
            allowed = packageAllowed(spec, part.packages);
          }
          if (!allowed) context.report({ node, messageId: 'crossing', data: { part: part.name, target } });
        };
        return {
          ImportDeclaration: (node) => check(node.source, node.source.value),
          ExportNamedDeclaration: (node) => node.source && check(node.source, node.source.value),
          ExportAllDeclaration: (node) => check(node.source, node.source.value),
          ImportExpression: (node) => node.source.type === 'Literal' && check(node.source, node.source.value),
        };
      },
    },
  },
};
