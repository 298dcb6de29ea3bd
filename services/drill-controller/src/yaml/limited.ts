/**
 * A YAML loader with limits, for files a user hands the controller (runbooks): at most 1 MiB, at
 * most 64 levels of nesting, and at most 10,000 nodes added by alias expansion (a "billion laughs"
 * document is refused, an ordinary runbook with a few anchors is not). Every refusal is located
 * (line, column); nothing recurses over an unbounded input, so no "Maximum call stack size exceeded".
 *
 * The nesting depth is measured on the concrete syntax tree (the `yaml` package's Parser is
 * iterative) before the document is composed, and aliases are counted on the composed document
 * before it is turned into plain data.
 */
import { Alias, LineCounter, Parser, isAlias, isCollection, isPair, isScalar, parseDocument, type CST, type Document, type Node } from 'yaml';

export const YAML_LIMITS = {
  maxBytes: 1024 * 1024,
  maxDepth: 64,
  maxAliasExpansion: 10_000,
} as const;

export interface YamlProblem {
  line: number;
  column: number;
  message: string;
}

export class YamlRefused extends Error {
  constructor(readonly problems: YamlProblem[]) {
    super(problems.map((p) => `${p.line}:${p.column}: ${p.message}`).join('\n'));
  }
}

export interface LoadedYaml {
  doc: Document;
  lineCounter: LineCounter;
  data: unknown;
}

type Limits = { maxBytes: number; maxDepth: number; maxAliasExpansion: number };

/** Offset of the first collection nested deeper than `max`, or null. Iterative: safe on any input. */
function tooDeepAt(tokens: CST.Token[], max: number): number | null {
  const stack: Array<[CST.Token, number]> = [];
  for (const t of tokens) if (t.type === 'document' && t.value) stack.push([t.value, 0]);
  while (stack.length) {
    const [tok, depth] = stack.pop()!;
    if (tok.type !== 'block-map' && tok.type !== 'block-seq' && tok.type !== 'flow-collection') continue;
    if (depth + 1 > max) return tok.offset;
    for (const it of tok.items as Array<{ key?: CST.Token | null; value?: CST.Token | null }>) {
      if (it.key) stack.push([it.key, depth + 1]);
      if (it.value) stack.push([it.value, depth + 1]);
    }
  }
  return null;
}

/** Nodes that alias expansion adds to the document (each alias counts the size of what it names). */
function aliasExpansion(doc: Document, limit: number): { count: number; at: number } {
  const size = new Map<unknown, number>();
  let count = 0;
  let at = 0;
  // Depth is already bounded, so recursion here is shallow.
  const walk = (n: unknown): number => {
    if (count > limit) return 0;
    if (isAlias(n)) {
      const target = (n as Alias).resolve(doc);
      const s = target ? (size.get(target) ?? Infinity) : 0; // an alias to a node still open (it contains itself) is unbounded
      count += s;
      if (count > limit && !at) at = n.range?.[0] ?? 0;
      return s;
    }
    let s = 1;
    if (isCollection(n)) {
      for (const it of n.items) {
        if (isPair(it)) s += walk(it.key) + walk(it.value);
        else s += walk(it);
      }
    } else if (!isScalar(n)) return 0;
    size.set(n, s);
    return s;
  };
  walk(doc.contents);
  return { count, at };
}

/**
 * Parses one YAML document within the limits. YAML syntax errors are returned on `doc.errors` as
 * usual (the caller words them); limit violations throw `YamlRefused`, located.
 */
export function loadLimitedYaml(text: string, opts: Partial<Limits> & { uniqueKeys?: boolean } = {}): LoadedYaml {
  const lim: Limits = { ...YAML_LIMITS, ...opts };
  const lineCounter = new LineCounter();
  const where = (offset: number) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > lim.maxBytes) throw new YamlRefused([{ line: 1, column: 1, message: `file is ${bytes} bytes, more than the ${lim.maxBytes} a runbook may have` }]);
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  const deep = tooDeepAt(tokens, lim.maxDepth);
  if (deep !== null) throw new YamlRefused([{ ...where(deep), message: `nested more than ${lim.maxDepth} levels deep` }]);
  const doc = parseDocument(text, { uniqueKeys: opts.uniqueKeys ?? true, prettyErrors: true });
  if (doc.errors.length) return { doc, lineCounter, data: undefined };
  const { count, at } = aliasExpansion(doc, lim.maxAliasExpansion);
  if (count > lim.maxAliasExpansion) {
    throw new YamlRefused([{ ...where(at), message: `aliases expand to more than ${lim.maxAliasExpansion} nodes (a YAML alias bomb?); write the values out or use fewer aliases` }]);
  }
  return { doc, lineCounter, data: doc.toJS({ maxAliasCount: -1 }) as unknown };
}

export type { Node };
