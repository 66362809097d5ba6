/**
 * Importing a module of ours only when it is needed (`import()`), in a way that also works where the
 * TypeScript sources run in worker threads: under tsx on Node 20 a worker thread gets no ES module
 * loader hooks (nodejs/node#47747, fixed in Node 22.2), so tsx runs the thread's modules as CommonJS
 * and an `import()` of a sibling `.js` specifier cannot find the `.ts` file. There, and only there
 * (the module system in use is CommonJS, so `require` exists in this module's scope), the module is
 * required instead, from the same CommonJS module cache the thread's static imports use. The built
 * package (ES modules, `dist/`) always takes the `import()`.
 */
import { createRequire } from 'node:module';

/**
 * `load()` (pass `() => import(specifier)`, so that tsc types it and the layer checks see it), or, in
 * tsx's CommonJS mode, `require(specifier)` relative to `callerUrl` (pass `import.meta.url`).
 * @throws whatever the import throws (e.g. ERR_MODULE_NOT_FOUND for a missing file).
 */
export async function importLazily<T>(load: () => Promise<T>, specifier: string, callerUrl: string): Promise<T> {
  if (typeof require === 'function') return createRequire(callerUrl)(specifier) as T;
  return load();
}
