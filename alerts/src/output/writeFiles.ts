/**
 * Writes a set of generated files into a directory all-or-nothing: every file is written to a
 * temporary name first and renamed into place only when all writes succeeded. Generated files
 * that are no longer produced (they carry the stamp) are removed; hand-written files are left alone.
 */
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface GeneratedFile {
  /** Path relative to the output directory, with forward slashes. */
  path: string;
  content: string;
}

export interface WriteResult {
  written: string[];
  unchanged: string[];
  removed: string[];
}

async function existing(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true, recursive: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

export async function writeGeneratedFiles(dir: string, files: readonly GeneratedFile[], isGenerated: (content: string) => boolean): Promise<WriteResult> {
  const result: WriteResult = { written: [], unchanged: [], removed: [] };
  const staged: Array<{ tmp: string; target: string }> = [];
  const wanted = new Set(files.map((f) => f.path));
  try {
    for (const f of files) {
      const target = path.join(dir, f.path);
      const current = await readFile(target, 'utf8').catch(() => null);
      if (current === f.content) {
        result.unchanged.push(f.path);
        continue;
      }
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.tmp-${process.pid}`;
      await writeFile(tmp, f.content);
      staged.push({ tmp, target });
      result.written.push(f.path);
    }
  } catch (err) {
    await Promise.all(staged.map((s) => rm(s.tmp, { force: true })));
    throw err;
  }
  for (const s of staged) await rename(s.tmp, s.target);
  for (const rel of await existing(dir)) {
    if (wanted.has(rel)) continue;
    const content = await readFile(path.join(dir, rel), 'utf8');
    if (isGenerated(content)) {
      await rm(path.join(dir, rel));
      result.removed.push(rel);
    }
  }
  return result;
}
