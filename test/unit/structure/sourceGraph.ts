/**
 * The relative import graph of a source tree, read with TypeScript's own parser (no type checking):
 * `import … from`, `import type`, `export … from`, `import x = require()` and `import()` with a string
 * literal. Used by the structure tests (no cycles, no oversized file).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/** Every `.ts` file under `root` (declaration files included), as absolute paths, sorted. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
      } else if (e.name.endsWith('.ts')) {
        out.push(p);
      }
    }
  };
  walk(root);
  return out.sort();
}

/** The module specifiers a file names, in source order. */
export function specifiersOf(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      out.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      out.push(node.moduleReference.expression.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length === 1 &&
      ts.isStringLiteralLike(node.arguments[0]!)
    ) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The file a relative specifier names (`./x` → x.ts, x.d.ts or x/index.ts); undefined for packages. */
export function resolveRelative(from: string, spec: string): string | undefined {
  if (!spec.startsWith('./') && !spec.startsWith('../')) {
    return undefined;
  }
  const base = path.resolve(path.dirname(from), spec);
  const stripped = base.replace(/\.(js|mjs|cjs)$/, '');
  for (const candidate of [base, `${stripped}.ts`, `${stripped}.d.ts`, path.join(base, 'index.ts')]) {
    if (candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile()) {
      return candidate;
    }
  }
  return undefined;
}

/** file → the files under the same tree it imports (relative imports only). */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(root)) {
    const targets = specifiersOf(file, readFileSync(file, 'utf8'))
      .map((spec) => resolveRelative(file, spec))
      .filter((t): t is string => t !== undefined);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/**
 * The cycles of a graph: one per strongly connected component with more than one file (or a file that
 * imports itself): a shortest path from the component's first file back to it (`[a, b, a]`) and all
 * the component's files. Tarjan's algorithm, iterative.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): Array<{ cycle: string[]; files: string[] }> {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  for (const start of [...graph.keys()].sort()) {
    if (index.has(start)) {
      continue;
    }
    const work: Array<{ node: string; edge: number }> = [{ node: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const top = work[work.length - 1]!;
      const edges = graph.get(top.node) ?? [];
      if (top.edge < edges.length) {
        const to = edges[top.edge++]!;
        if (!index.has(to)) {
          index.set(to, next);
          low.set(to, next++);
          stack.push(to);
          onStack.add(to);
          work.push({ node: to, edge: 0 });
        } else if (onStack.has(to)) {
          low.set(top.node, Math.min(low.get(top.node)!, index.get(to)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) {
        low.set(parent.node, Math.min(low.get(parent.node)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const component: string[] = [];
        let n: string;
        do {
          n = stack.pop()!;
          onStack.delete(n);
          component.push(n);
        } while (n !== top.node);
        if (component.length > 1 || (graph.get(top.node) ?? []).includes(top.node)) {
          components.push(component.sort());
        }
      }
    }
  }
  return components
    .map((files) => ({ cycle: cycleThrough(graph, new Set(files), files[0]!), files }))
    .sort((a, b) => a.files[0]!.localeCompare(b.files[0]!));
}

/** A shortest cycle from `start` back to itself inside one component (breadth-first). */
function cycleThrough(graph: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>, start: string): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    for (const to of graph.get(node) ?? []) {
      if (!members.has(to)) {
        continue;
      }
      if (to === start) {
        const path = [start];
        for (let n = node; n !== start; n = cameFrom.get(n)!) {
          path.unshift(n);
        }
        path.unshift(start);
        return path;
      }
      if (!cameFrom.has(to)) {
        cameFrom.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}

/** Lines of a file as an editor counts them (a final newline does not start another line). */
export function lineCount(text: string): number {
  if (text.length === 0) {
    return 0;
  }
  const breaks = text.split('\n').length - 1;
  return text.endsWith('\n') ? breaks : breaks + 1;
}
