import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The layout of docs/architecture.md, kept true: data flows one way (each area imports only itself and the
 * areas below it), the domain is pure, no destination imports another, and no file imports itself through a
 * cycle. Read from the sources, so a new file is checked the day it is written.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../src');
const MAX_LINES = 400;

/** Higher imports lower, never the reverse; areas of the same rank do not import each other. */
const RANKS: Record<string, number> = {
  cli: 10,
  export: 9,
  doctor: 9,
  destinations: 8,
  engines: 7,
  contract: 6,
  net: 5,
  query: 5,
  db: 4,
  config: 3,
  base: 2,
  domain: 1,
};

interface ImportEdge {
  from: string;
  to: string;
  /** `import('…')`: loaded on demand, so it cannot form a cycle at load time. */
  lazy: boolean;
}

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(SRC, path)] : [];
  });
}

const IMPORT_PATTERN =
  /(?:import|export)\s[^'"]*?\sfrom\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): { specifier: string; lazy: boolean }[] {
  const text = readFileSync(join(SRC, file), 'utf8');
  return [...text.matchAll(IMPORT_PATTERN)].map((match) => ({
    specifier: (match[1] ?? match[2])!,
    lazy: match[2] !== undefined,
  }));
}

function resolveLocal(file: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = relative(SRC, resolve(SRC, dirname(file), specifier));
  return target.replace(/\.js$/, '.ts');
}

/** `destinations/mqtt`, `engines/ha-discovery`, `domain`, … (`base` for the files directly in src/). */
function areaOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return 'base';
  if ((parts[0] === 'destinations' || parts[0] === 'engines') && parts.length > 2) {
    return `${parts[0]}/${parts[1]}`;
  }
  return parts[0]!;
}

function rankOf(area: string): number {
  const rank = RANKS[area.split('/')[0]!];
  if (rank === undefined)
    throw new Error(`src/${area}/ has no layer: add it to RANKS and docs/architecture.md`);
  return rank;
}

const files = sourceFiles(SRC);
const packagesOf = new Map<string, string[]>();
const edges: ImportEdge[] = files.flatMap((from) =>
  importsOf(from).flatMap(({ specifier, lazy }) => {
    const to = resolveLocal(from, specifier);
    // A package, or a file outside src/ (package.json for the version): not part of the layering.
    if (to === null || to.startsWith('..')) {
      packagesOf.set(from, [...(packagesOf.get(from) ?? []), specifier]);
      return [];
    }
    return [{ from, to, lazy }];
  }),
);

/** The rule an import breaks, or null. Exported through the tests below only. */
function violation({ from, to }: ImportEdge): string | null {
  const fromArea = areaOf(from);
  const toArea = areaOf(to);
  if (fromArea === toArea) return null;
  if (fromArea === 'domain') return 'the domain imports nothing outside itself';
  if (fromArea.startsWith('destinations/') && toArea.startsWith('destinations')) {
    return 'a destination never imports another destination (nor the registry): share through src/engines/';
  }
  if (fromArea.startsWith('engines/') && toArea.startsWith('engines/')) return null;
  if (fromArea === 'destinations' && toArea.startsWith('destinations/')) {
    return to.endsWith('/manifest.ts') ? null : 'the registry lists manifests only';
  }
  return rankOf(toArea) < rankOf(fromArea)
    ? null
    : `${fromArea} may not import ${toArea} (layers point down)`;
}

function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    if (state.get(node) === 'done') return null;
    if (state.get(node) === 'visiting') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'visiting');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return null;
}

function graphOf(pairs: readonly [string, string][]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [from, to] of pairs) {
    if (from === to) continue;
    graph.set(from, [...new Set([...(graph.get(from) ?? []), to])]);
  }
  return graph;
}

describe('architecture', () => {
  it('resolves every local import to a source file', () => {
    const known = new Set(files);
    expect(edges.filter((edge) => !known.has(edge.to))).toEqual([]);
  });

  it('has layers that only point down, a pure domain, and destinations that never import each other', () => {
    const broken = edges.flatMap((edge) => {
      const rule = violation(edge);
      return rule ? [`src/${edge.from} → src/${edge.to}: ${rule}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('keeps the domain free of packages too (pure rules, no I/O)', () => {
    const impure = [...packagesOf].filter(([file]) => areaOf(file) === 'domain');
    expect(impure).toEqual([]);
  });

  it('has no import cycle between files', () => {
    const eager = edges.filter((edge) => !edge.lazy);
    expect(findCycle(graphOf(eager.map((edge) => [edge.from, edge.to])))).toBeNull();
  });

  it('has no import cycle between areas', () => {
    const eager = edges.filter((edge) => !edge.lazy);
    expect(findCycle(graphOf(eager.map((edge) => [areaOf(edge.from), areaOf(edge.to)])))).toBeNull();
  });

  it('keeps every source file under 400 lines', () => {
    const long = files
      .map((file) => ({ file, lines: readFileSync(join(SRC, file), 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > MAX_LINES);
    expect(long).toEqual([]);
  });

  it('gives every destination folder the same file names', () => {
    const required = ['index.ts', 'manifest.ts', 'config.ts', 'encode.ts', 'pass.ts', 'checks.ts'];
    const folders = readdirSync(join(SRC, 'destinations'), { withFileTypes: true }).filter((entry) =>
      entry.isDirectory(),
    );
    for (const folder of folders) {
      const names = readdirSync(join(SRC, 'destinations', folder.name));
      expect(
        required.filter((name) => !names.includes(name)),
        folder.name,
      ).toEqual([]);
      // Its own network client, or a shared engine's (MQTT's connection is the mqtt-connection engine).
      const sharedClient = edges.some(
        (edge) =>
          edge.from.startsWith(`destinations/${folder.name}/`) &&
          /^engines\/[^/]+\/client\.ts$/.test(edge.to),
      );
      expect(names.includes('client.ts') || sharedClient, `${folder.name} has a client`).toBe(true);
    }
  });

  it('would catch what it forbids', () => {
    expect(violation({ from: 'domain/tempo.ts', to: 'query/types.ts', lazy: false })).not.toBeNull();
    expect(
      violation({ from: 'destinations/mqtt/pass.ts', to: 'destinations/jeedom/encode.ts', lazy: false }),
    ).not.toBeNull();
    expect(
      violation({ from: 'config/load-config.ts', to: 'contract/destination.ts', lazy: false }),
    ).not.toBeNull();
    expect(violation({ from: 'query/query-layer.ts', to: 'net/deadline.ts', lazy: false })).not.toBeNull();
    expect(
      violation({ from: 'destinations/mqtt/pass.ts', to: 'engines/ha-discovery/x.ts', lazy: false }),
    ).toBeNull();
    expect(
      findCycle(
        graphOf([
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
        ]),
      ),
    ).toEqual(['a', 'b', 'c', 'a']);
  });
});
