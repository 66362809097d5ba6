/**
 * A saved ensemble is a model folder like any other, with no network of its own:
 *   manifest.json      kind "ensemble", config { members: [{ name, weight }] }, the genres and the
 *                      thresholds tuned for the mean, how the members were chosen and scored;
 *   members/<name>/    each member's own saved model folder, whole.
 * `members/` sits in the ensemble's version folder and manifest.json's `files` records the sha256 of
 * every member file; it is written crash-safely like every model folder (see ../model-folder.ts).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { GenreModel } from '../genre-model.js';
import type { Manifest } from '../manifest.js';
import { EnsembleModel } from './ensemble-model.js';
import { PlotlineError } from '../../util/errors.js';
import { copyModelFolder, writeModelFolder } from '../model-folder.js';

export const ENSEMBLE_KIND = 'ensemble';
export const MEMBERS_FOLDER = 'members';

export const EnsembleConfigSchema = z
  .object({
    members: z
      .array(
        z.object({
          // A folder name under members/: nothing that could climb out of it.
          name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'a member name is letters, digits and . _ + -'),
          weight: z.number().min(0).max(1),
        }),
      )
      .min(2),
  })
  .strict();
export type EnsembleConfig = z.infer<typeof EnsembleConfigSchema>;

/**
 * Writes an ensemble folder at `dir` from members already saved as folders. `manifest` is the
 * ensemble's manifest minus what this adds (kind, config, encoder).
 */
export async function saveEnsemble(members: readonly { name: string; dir: string; weight: number }[], manifest: Omit<Manifest, 'kind' | 'config' | 'encoder' | 'files'>, dir: string): Promise<void> {
  const config = EnsembleConfigSchema.parse({ members: members.map(({ name, weight }) => ({ name, weight })) });
  await writeModelFolder(
    dir,
    async (dataDir) => {
      await mkdir(join(dataDir, MEMBERS_FOLDER));
      for (const m of members) await copyModelFolder(m.dir, join(dataDir, MEMBERS_FOLDER, m.name));
    },
    (files) => ({ ...manifest, kind: ENSEMBLE_KIND, config, encoder: { type: ENSEMBLE_KIND }, files }),
  );
}

/** Loads every member with `loadMember` and forms the ensemble; a member that fails to load names itself. */
export async function loadEnsemble(
  dir: string,
  manifest: { config: unknown; genres: readonly string[]; thresholds: EnsembleModel['thresholds'] },
  loadMember: (memberDir: string) => Promise<GenreModel>,
  /** The folder holding members/ (the manifest's version folder; `dir` for one saved before them). */
  dataDir: string = dir,
): Promise<EnsembleModel> {
  const file = join(dir, 'manifest.json');
  const parsed = EnsembleConfigSchema.safeParse(manifest.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlotlineError(`${issue.message} (expected an ensemble's members and weights)`, { file, field: ['config', ...issue.path].join('.') });
  }
  const loaded: { name: string; model: GenreModel; weight: number }[] = [];
  try {
    for (const m of parsed.data.members) loaded.push({ name: m.name, model: await loadMember(join(dataDir, MEMBERS_FOLDER, m.name)), weight: m.weight });
    const ensemble = new EnsembleModel(loaded, manifest.thresholds);
    if (ensemble.genres.some((g, j) => g !== manifest.genres[j]) || ensemble.genres.length !== manifest.genres.length) {
      throw new PlotlineError('lists other genres than its members', { file, field: 'genres' });
    }
    return ensemble;
  } catch (error) {
    await Promise.all(loaded.map((m) => m.model.dispose()));
    if (error instanceof RangeError) throw new PlotlineError(error.message, { file, field: 'config.members' });
    throw error;
  }
}
