// The rules ARCHITECTURE.md states, checked on the source tree: no import cycle, the layers
// import downward only, other domains import a domain through its index.ts, and only
// repositories (and the database layer) touch the database.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

const SRC = path.resolve(import.meta.dirname, '../../src');

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [full] : [];
  });
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

/** Relative imports of a file (type-only ones too: they tangle the design just the same). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]!);
  return specs.map((s) => rel(path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts'))));
}

const files = sourceFiles().map(rel);
const graph = new Map(files.map((f) => [f, importsOf(path.join(SRC, f)).filter((t) => files.includes(t))]));

/** The domain a file belongs to: its first folder, or two levels under whatsapp/. */
function domainOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return '(root)';
  return parts[0] === 'whatsapp' && parts.length > 2 ? `whatsapp/${parts[1]}` : parts[0]!;
}

function cycles(): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'visiting');
    stack.push(f);
    for (const t of graph.get(f) ?? []) {
      if (state.get(t) === 'visiting') found.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

describe('source structure', () => {
  it('has no import cycle', () => {
    expect(cycles()).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    graph.set('kernel/index.ts', [...(graph.get('kernel/index.ts') ?? []), 'http/app.ts']);
    try {
      expect(cycles().length).toBeGreaterThan(0);
    } finally {
      graph.set('kernel/index.ts', (graph.get('kernel/index.ts') ?? []).filter((t) => t !== 'http/app.ts'));
    }
  });

  it('keeps the kernel at the bottom and events and http above it only', () => {
    const allowed: Record<string, string[]> = {
      kernel: ['kernel'],
      events: ['kernel', 'events'],
      // http is infrastructure too: it may read config and classify database errors, never a domain.
      http: ['kernel', 'http', 'logging', 'security', 'config', 'db'],
    };
    const violations = files.flatMap((f) => {
      const may = allowed[domainOf(f)];
      return may ? (graph.get(f) ?? []).filter((t) => !may.includes(domainOf(t))).map((t) => `${f} → ${t}`) : [];
    });
    expect(violations).toEqual([]);
  });

  it('lets other domains import a domain only through its index.ts', () => {
    // Infrastructure folders are libraries of small modules, imported file by file.
    const infrastructure = new Set(['kernel', 'events', 'http', 'config', 'db', 'logging', 'security', 'audit']);
    const violations = files.flatMap((f) =>
      (graph.get(f) ?? [])
        .filter((t) => domainOf(t) !== domainOf(f) && !infrastructure.has(domainOf(t)) && domainOf(t) !== '(root)')
        .filter((t) => !t.endsWith('/index.ts'))
        .map((t) => `${f} → ${t}`),
    );
    expect(violations).toEqual([]);
  });

  it('touches the database only in repositories and the database layer', () => {
    // A repo is `*.repo.ts`; `*-queries.ts` holds a repo's hand-written hot-path SQL; slot-locks
    // owns the advisory-lock connection; db/ opens, migrates and creates databases.
    const allowed = (f: string) => /\.repo\.ts$|-queries\.ts$|(^|\/)slot-locks\.ts$/.test(f) || f.startsWith('db/');
    const touches = /\.query(?:<[^>]*>)?\(|\$queryRaw|\$executeRaw|\$transaction|\b(?:db|prisma)\.[a-z][A-Za-z]*\.(?:find|create|update|delete|upsert|count|aggregate|groupBy)/;
    const violations = files.filter((f) => !allowed(f) && touches.test(readFileSync(path.join(SRC, f), 'utf8')));
    expect(violations).toEqual([]);
  });
});
