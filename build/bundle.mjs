// Bundles what tsc alone cannot ship: the renderer (React, zustand and the contract, as one classic
// script that loads from file:// in Electron and from the web server alike) and the preload (a
// sandboxed preload may require only 'electron', so everything else must be inlined, as CommonJS).
// Type checking is tsc's job (npm run typecheck); esbuild only strips types here.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';

const root = new URL('../', import.meta.url);
const out = (path) => new URL(path, root).pathname;
// React's development build checks every element it makes and is several times slower under a
// live resize's updates: what operators run (the demo, `astaire console`, the packaged app) gets
// the production build. NODE_ENV=development gives the checked one while working on the page;
// the unit tests render with React's development build in Node either way.
const production = process.env.NODE_ENV !== 'development';

await mkdir(out('dist/console'), { recursive: true });
await Promise.all([
  build({
    entryPoints: [out('renderer/main.tsx')],
    outfile: out('dist/console/app.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    jsx: 'automatic',
    sourcemap: true,
    minify: production,
    define: { 'process.env.NODE_ENV': JSON.stringify(production ? 'production' : 'development') },
    logLevel: 'warning',
  }),
  build({
    entryPoints: [out('electron/preload.ts')],
    outfile: out('dist/electron/preload.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
  }),
  copyFile(out('renderer/index.html'), out('dist/console/index.html')),
  writeFile(out('dist/console/styles.css'), await joinedStyles()),
]);

// One stylesheet per screen in renderer/styles/, served as one file (the CSP allows 'self' only, so
// no <style> elements), in name order: 00-base.css first, then the screens'.
async function joinedStyles() {
  const dir = out('renderer/styles/');
  const names = (await readdir(dir)).filter((name) => name.endsWith('.css')).sort();
  const parts = await Promise.all(names.map((name) => readFile(dir + name, 'utf8')));
  return parts.map((text, i) => `/* ${names[i]} */\n${text}`).join('\n');
}
