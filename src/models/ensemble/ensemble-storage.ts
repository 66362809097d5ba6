/**
 * A saved ensemble is a model folder like any other, with no network of its own:
 *   manifest.json      kind "ensemble", config { members: [{ name, weight }] }, the genres and the
 *                      thresholds tuned for the mean, how the members were chosen and scored;
 *   members/<name>/    each member's own saved model folder, whole.
 * It is assembled in a temporary sibling folder and renamed into place, as every model folder is.
 */
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import type { GenreModel } from '../genre-model.js';
import type { Manifest } from '../storage.js';
import { EnsembleModel } from './ensemble-model.js';
import { PlotlineError } from '../../util/errors.js';
import { temporarySibling } from '../../util/temporary-path.js';
import { replaceDirectory } from '../../util/replace-directory.js';

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
export async function saveEnsemble(members: readonly { name: string; dir: string; weight: number }[], manifest: Omit<Manifest, 'kind' | 'config' | 'encoder'>, dir: string): Promise<void> {
  const config = EnsembleConfigSchema.parse({ members: members.map(({ name, weight }) => ({ name, weight })) });
  const target = resolve(dir);
  await mkdir(dirname(target), { recursive: true });
  const temporary = temporarySibling(target);
  await mkdir(join(temporary, MEMBERS_FOLDER), { recursive: true });
  try {
    for (const m of members) await cp(m.dir, join(temporary, MEMBERS_FOLDER, m.name), { recursive: true });
    const full = { ...manifest, kind: ENSEMBLE_KIND, config, encoder: { type: ENSEMBLE_KIND } };
    await writeFile(join(temporary, 'manifest.json'), JSON.stringify(full, null, 2) + '\n');
    await replaceDirectory(temporary, target);
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    throw error;
  }
}

/** Loads every member with `loadMember` and forms the ensemble; a member that fails to load names itself. */
export async function loadEnsemble(
  dir: string,
  manifest: { config: unknown; genres: readonly string[]; thresholds: EnsembleModel['thresholds'] },
  loadMember: (memberDir: string) => Promise<GenreModel>,
): Promise<EnsembleModel> {
  const file = join(dir, 'manifest.json');
  const parsed = EnsembleConfigSchema.safeParse(manifest.config);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlotlineError(`${issue.message} (expected an ensemble's members and weights)`, { file, field: ['config', ...issue.path].join('.') });
  }
  const loaded: { name: string; model: GenreModel; weight: number }[] = [];
  try {
    for (const m of parsed.data.members) loaded.push({ name: m.name, model: await loadMember(join(dir, MEMBERS_FOLDER, m.name)), weight: m.weight });
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
