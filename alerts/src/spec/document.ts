/**
 * Parsed YAML documents that remember where every node came from, so problems found anywhere
 * (schema, PromQL, lint) are reported as file:line:column plus the field path.
 */
import { isMap, isScalar, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import type { SpecProblem } from '../errors.js';

export type PathSegment = string | number;

export interface SourceDocument {
  file: string;
  /** Position of the document in a multi-document file (0-based). */
  index: number;
  doc: Document;
  lineCounter: LineCounter;
}

export function parseYamlDocuments(file: string, text: string): { docs: SourceDocument[]; problems: SpecProblem[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: SpecProblem[] = [];
  if (!Array.isArray(parsed)) {
    // An empty stream parses to an EmptyStream.
    return { docs: [], problems: [{ file, line: 1, column: 1, path: '', message: 'the file contains no YAML document' }] };
  }
  const docs: SourceDocument[] = [];
  parsed.forEach((doc, index) => {
    for (const err of doc.errors) {
      const pos = lineCounter.linePos(err.pos[0]);
      problems.push({ file, line: pos.line, column: pos.col, path: '', message: `YAML syntax: ${err.message.split('\n')[0]}` });
    }
    if (doc.contents !== null) docs.push({ file, index, doc, lineCounter });
  });
  return { docs, problems };
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(seg)) out += `[${JSON.stringify(seg)}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** JSON pointer (`/spec/objectives/0`) as path segments, numbers for array indices. */
export function pointerToPath(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function nodeAt(src: SourceDocument, path: readonly PathSegment[]): { node: Node | null; depth: number } {
  // Walk down as far as the path exists, so a missing field is reported at its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? (src.doc.contents as Node | null) : (src.doc.getIn(path.slice(0, depth), true) as Node | undefined);
    if (node && typeof node === 'object' && 'range' in node) return { node, depth };
  }
  return { node: null, depth: 0 };
}

/** Locates a field; with `key`, the key of `path`'s last segment inside its map (for unknown fields). */
export function locate(src: SourceDocument, path: readonly PathSegment[], opts: { key?: boolean } = {}): { line: number; column: number } {
  let offset: number | undefined;
  if (opts.key && path.length > 0) {
    const parent = nodeAt(src, path.slice(0, -1));
    if (isMap(parent.node) && parent.depth === path.length - 1) {
      const pair = parent.node.items.find((p) => isScalar(p.key) && p.key.value === path[path.length - 1]);
      const key = pair?.key as Node | undefined;
      offset = key?.range?.[0];
    }
  }
  if (offset === undefined) offset = nodeAt(src, path).node?.range?.[0];
  if (offset === undefined) return { line: 0, column: 0 };
  const pos = src.lineCounter.linePos(offset);
  return { line: pos.line, column: pos.col };
}

export function problemAt(src: SourceDocument, path: readonly PathSegment[], message: string, opts: { key?: boolean } = {}): SpecProblem {
  const { line, column } = locate(src, path, opts);
  return { file: src.file, line, column, path: formatPath(path), message };
}
