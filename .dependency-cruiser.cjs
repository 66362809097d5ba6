/**
 * The layer rules of src/ (README "Architecture"), checked by `npm run lint:deps` (dependency-cruiser)
 * in CI. A folder may import its own files and folders of lower layers only: never a higher layer,
 * never a sibling of its own layer, and no import cycle anywhere. `import type` counts like any import
 * (tsPreCompilationDeps), so a type-only cycle or upward type import fails too.
 */
// Top to bottom; the folders of one entry are siblings and do not import each other.
const LAYERS = [
  ['cli'],
  ['compare'],
  ['training', 'serving', 'distributed'],
  ['batch'],
  ['evaluation', 'explain', 'export'],
  ['models'],
  ['encoders'],
  ['data', 'report'],
  ['engine', 'text'],
  ['util'],
];

const folders = (names) => `^src/(${names.join('|')})/`;

const layerRules = LAYERS.flatMap((layer, index) => {
  const above = LAYERS.slice(0, index).flat();
  return layer.map((folder) => {
    const forbidden = [...above, ...layer.filter((sibling) => sibling !== folder)];
    return {
      name: `layer-${folder}`,
      comment: `src/${folder}/ may import only its own files and lower layers (README "Architecture"), not ${forbidden.join(', ')}`,
      severity: 'error',
      from: { path: `^src/${folder}/` },
      to: { path: folders(forbidden) },
    };
  });
}).filter((rule) => !rule.to.path.endsWith('()/'));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'an import cycle (type-only imports included) ties layers or files together',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-import-of-entry-points',
      comment: 'src/index.ts (the package API) and src/cli/main.ts sit above every layer: nothing imports them',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^src/(index|cli/main)\\.ts$' },
    },
    {
      name: 'version-is-a-leaf',
      comment: 'src/version.ts is read by every layer, so it imports nothing of ours',
      severity: 'error',
      from: { path: '^src/version\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'an import that resolves to no file',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    ...layerRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.json'] },
  },
};
