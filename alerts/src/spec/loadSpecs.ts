/**
 * Loads SLO specs: every `*.yaml`/`*.yml` under a directory (one SLO per document), validated
 * as a whole. Either every spec is valid and you get the models, or `InvalidSloSpec` lists every
 * problem with its file, line and field; nothing is generated from a half-valid set.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { OpenSloSlo } from '@drillbook/contracts';
import { InvalidSloSpec, type SpecProblem } from '../errors.js';
import { parseYamlDocuments, problemAt } from './document.js';
import type { SloModel } from './model.js';
import { toModel } from './toModel.js';
import { validateSchema } from './validateSchema.js';

export interface SpecFile {
  /** Name used in messages, e.g. `recsys-reference/availability.yaml`. */
  file: string;
  text: string;
}

/** Validates spec files already in memory; throws `InvalidSloSpec` with every problem. */
export function parseSloSpecs(files: readonly SpecFile[]): SloModel[] {
  const problems: SpecProblem[] = [];
  const models: SloModel[] = [];
  const seen = new Map<string, SloModel>();
  const prefixes = new Map<string, SloModel>();
  for (const { file, text } of files) {
    const parsed = parseYamlDocuments(file, text);
    problems.push(...parsed.problems);
    if (parsed.problems.length > 0) continue;
    for (const src of parsed.docs) {
      const data = src.doc.toJS() as unknown;
      const schemaProblems = validateSchema(src, data);
      if (schemaProblems.length > 0) {
        problems.push(...schemaProblems);
        continue;
      }
      const { model, problems: modelProblems } = toModel(src, file, data as OpenSloSlo);
      problems.push(...modelProblems);
      if (!model) continue;
      const dup = seen.get(model.id);
      if (dup) {
        problems.push(problemAt(src, ['metadata', 'name'], `SLO "${model.name}" of service "${model.service}" is already defined in ${dup.file}`));
        continue;
      }
      const prefixDup = prefixes.get(model.alertPrefix);
      if (prefixDup) {
        problems.push(problemAt(src, ['metadata'], `alert name prefix "${model.alertPrefix}" is already used by ${prefixDup.file}; set a distinct drillbook.dev/alert-name`));
        continue;
      }
      seen.set(model.id, model);
      prefixes.set(model.alertPrefix, model);
      models.push(model);
    }
  }
  if (problems.length > 0) throw new InvalidSloSpec(problems);
  return models.sort((a, b) => (a.service === b.service ? 0 : a.service < b.service ? -1 : 1));
}

async function listYaml(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** Loads every spec under `dir`; file names in messages are relative to `relativeTo` (default: `dir`). */
export async function loadSloSpecs(dir: string, relativeTo: string = dir): Promise<SloModel[]> {
  const paths = await listYaml(dir);
  if (paths.length === 0) throw new InvalidSloSpec([{ file: dir, line: 0, column: 0, path: '', message: 'no SLO spec (*.yaml) found' }]);
  const files = await Promise.all(
    paths.map(async (p) => ({ file: path.relative(relativeTo, p).split(path.sep).join('/'), text: await readFile(p, 'utf8') })),
  );
  return parseSloSpecs(files);
}
