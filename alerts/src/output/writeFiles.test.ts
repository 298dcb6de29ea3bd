import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeGeneratedFiles } from './writeFiles.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'drillbook-gen-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const generated = (c: string) => c.startsWith('# Code generated');

describe('writing generated files', () => {
  it('writes new files, leaves identical ones untouched and reports both', async () => {
    await writeGeneratedFiles(dir, [{ path: 'a/x.yaml', content: '# Code generated 1\n' }], generated);
    const second = await writeGeneratedFiles(
      dir,
      [
        { path: 'a/x.yaml', content: '# Code generated 1\n' },
        { path: 'y.yaml', content: '# Code generated 2\n' },
      ],
      generated,
    );
    expect(second).toEqual({ written: ['y.yaml'], unchanged: ['a/x.yaml'], removed: [] });
    expect(await readFile(path.join(dir, 'y.yaml'), 'utf8')).toBe('# Code generated 2\n');
  });

  it('removes generated files that are no longer produced and keeps hand-written ones', async () => {
    await mkdir(path.join(dir, 'tests'));
    await writeFile(path.join(dir, 'tests', 'old.test.yaml'), '# Code generated old\n');
    await writeFile(path.join(dir, 'NOTES.md'), 'mine\n');
    const result = await writeGeneratedFiles(dir, [{ path: 'new.yaml', content: '# Code generated new\n' }], generated);
    expect(result.removed).toEqual(['tests/old.test.yaml']);
    expect(await readFile(path.join(dir, 'NOTES.md'), 'utf8')).toBe('mine\n');
  });
});
