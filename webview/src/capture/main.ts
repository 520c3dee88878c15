// Entry of the capture viewer webview (bundled by esbuild to dist/captureViewer.js and dist/captureViewer.css):
// the builder's styles for the decoded tree and hex view, plus the table's.
import '../styles.css';
import './capture.css';
import { CaptureViewer, type VsCodeApi } from './viewer';

declare function acquireVsCodeApi(): VsCodeApi;

const root = document.getElementById('app');
if (root) new CaptureViewer(root, acquireVsCodeApi());
