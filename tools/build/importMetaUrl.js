// Injected into the node bundles by esbuild.mjs: web-tree-sitter's ESM build reads import.meta.url, which a
// CommonJS bundle lacks; esbuild replaces it with this, the bundle's own file URL.
export const import_meta_url = require('node:url').pathToFileURL(__filename).href;
