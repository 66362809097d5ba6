/**
 * The install stays quiet and offline-safe (issue 11): read from package.json and package-lock.json,
 * so a new dependency that brings an install script or needs a newer Node fails here rather than as a
 * warning (or a download) in someone's `npm ci`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import semver from 'semver';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string }; allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean; engines?: { node?: string } | string[]; optional?: boolean }>;
};
/** The installed packages of the lock file: path -> entry (the root and packages for other platforms left out). */
const installed = Object.entries(lock.packages).filter(([path]) => path !== '' && existsSync(path));
const nameOf = (path: string): string => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);

test('every dependency with an install script is listed in allowScripts (denied unless reviewed)', () => {
  const withScripts = installed.filter(([, entry]) => entry.hasInstallScript === true).map(([path]) => nameOf(path));
  assert.ok(withScripts.includes('onnxruntime-node'), 'onnxruntime-node has an install script (it fetches CUDA binaries)');
  const uncovered = withScripts.filter((name) => pkg.allowScripts?.[name] === undefined);
  assert.deepEqual(uncovered, [], 'run `npm install-scripts ls`, then approve or deny them');
  // ONNX Runtime's CPU binary ships in the package: its script must not run.
  assert.equal(pkg.allowScripts?.['onnxruntime-node'], false);
});

test('every installed dependency supports the Node versions package.json declares (no EBADENGINE)', () => {
  const lowest = semver.minVersion(pkg.engines.node)!.version;
  const unsupported = installed
    .filter(([, entry]) => typeof entry.engines === 'object' && !Array.isArray(entry.engines) && entry.engines.node !== undefined)
    .filter(([, entry]) => !semver.satisfies(process.version, (entry.engines as { node: string }).node, { includePrerelease: true }) || !semver.intersects(`>=${lowest} <${semver.major(lowest) + 1}`, (entry.engines as { node: string }).node))
    .map(([path, entry]) => `${nameOf(path)} needs node ${(entry.engines as { node: string }).node}`);
  assert.deepEqual(unsupported, []);
});

test('no .npmrc key that npm does not know (npm warns about them on every call)', () => {
  if (!existsSync('.npmrc')) return;
  assert.doesNotMatch(readFileSync('.npmrc', 'utf8'), /^onnxruntime-node-install/m);
});
