/**
 * The committed files under alerts/generated are the generator's output for alerts/slos, byte for
 * byte (CI also runs `npm run gen:check`); and every one says it is generated.
 */
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate } from './generate.js';
import { STAMP_PATTERN } from './output/yaml.js';
import { loadSloSpecs } from './spec/loadSpecs.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const generatedDir = path.join(root, 'generated');

async function committed(): Promise<string[]> {
  const entries = await readdir(generatedDir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(generatedDir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

describe('committed generated alert files', () => {
  it('are exactly what the generator produces from the committed SLO specs', async () => {
    const files = generate(await loadSloSpecs(path.join(root, 'slos')));
    expect(await committed()).toEqual(files.map((f) => f.path).sort());
    for (const f of files) {
      expect(await readFile(path.join(generatedDir, f.path), 'utf8'), f.path).toBe(f.content);
    }
  });

  it('each start with the "Code generated ... DO NOT EDIT." stamp', async () => {
    for (const rel of await committed()) {
      const firstLine = (await readFile(path.join(generatedDir, rel), 'utf8')).split('\n')[0];
      expect(firstLine, rel).toMatch(STAMP_PATTERN);
    }
  });
});
