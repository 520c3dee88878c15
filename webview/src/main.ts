// Entry of the builder webview (bundled by esbuild to dist/webview.js, with styles.css to dist/webview.css).
import './styles.css';
import { App, type VsCodeApi } from './ui/app';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app');
if (root) new App(root, acquireVsCodeApi());
