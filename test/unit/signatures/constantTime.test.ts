// A static check with the real TypeScript parser: signature digests in src/core/signatures are
// compared only through the one constant-time helper (safeEqual in util.ts), and that helper calls
// crypto.timingSafeEqual. A `===`, `.every`, `.equals` or `Buffer.compare` on a digest would leak
// through timing how many leading bytes of a forged signature are right.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import ts from 'typescript';

const DIR = path.resolve(__dirname, '..', '..', '..', 'src', 'core', 'signatures');
const HELPER_FILE = 'util.ts';
/** Names that hold (or are computed from) a signature, digest, MAC or token. */
const DIGEST_NAME = /sig|digest|mac\b|hmac|hash|expected|computed|claimed|candidate|token|actual|got\b/i;

interface Finding {
  where: string;
  text: string;
}

function sources(): Array<{ file: string; sf: ts.SourceFile }> {
  // Every .ts file under the folder, providers/<family>.ts included; `file` is relative to it.
  return (readdirSync(DIR, { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((file) => ({ file, sf: ts.createSourceFile(file, readFileSync(path.join(DIR, file), 'utf8'), ts.ScriptTarget.Latest, true) }));
}

function isLiteralish(node: ts.Expression): boolean {
  const n = ts.skipPartiallyEmittedExpressions(node);
  return (
    ts.isStringLiteralLike(n) ||
    ts.isNumericLiteral(n) ||
    n.kind === ts.SyntaxKind.NullKeyword ||
    n.kind === ts.SyntaxKind.TrueKeyword ||
    n.kind === ts.SyntaxKind.FalseKeyword ||
    (ts.isIdentifier(n) && n.text === 'undefined') ||
    ts.isTypeOfExpression(n) ||
    (ts.isPropertyAccessExpression(n) && n.name.text === 'length')
  );
}

/** True when `node` holds an equality with an indexed element on one side (`b === other[i]`): a byte loop. */
function comparesElements(node: ts.Node): boolean {
  let hit = false;
  const visit = (n: ts.Node): void => {
    if (
      ts.isBinaryExpression(n) &&
      (n.operatorToken.kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
        n.operatorToken.kind === ts.SyntaxKind.ExclamationEqualsEqualsToken)
    ) {
      hit ||= ts.isElementAccessExpression(n.left) || ts.isElementAccessExpression(n.right);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return hit;
}

/** Every place in `sf` that compares digest-named values by something other than safeEqual. */
function unsafeComparisons(file: string, sf: ts.SourceFile): Finding[] {
  const found: Finding[] = [];
  const at = (node: ts.Node): string => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node)) {
      const op = node.operatorToken.kind;
      const equality =
        op === ts.SyntaxKind.EqualsEqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
        op === ts.SyntaxKind.EqualsEqualsToken ||
        op === ts.SyntaxKind.ExclamationEqualsToken;
      if (
        equality &&
        !isLiteralish(node.left) &&
        !isLiteralish(node.right) &&
        (DIGEST_NAME.test(node.left.getText(sf)) || DIGEST_NAME.test(node.right.getText(sf)))
      ) {
        found.push({ where: at(node), text: node.getText(sf) });
      }
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression.getText(sf);
      const args = node.arguments.map((a) => a.getText(sf)).join(', ');
      if (/(^|\.)timingSafeEqual$/.test(callee) && file !== HELPER_FILE) {
        found.push({ where: at(node), text: `${node.getText(sf)} (use safeEqual from util.ts)` });
      }
      const byteLoop = /\.(every|some)$/.test(callee) && node.arguments.some((a) => comparesElements(a));
      if (
        /^Buffer\.compare$/.test(callee) ||
        (/\.equals$/.test(callee) && (DIGEST_NAME.test(callee) || DIGEST_NAME.test(args))) ||
        byteLoop
      ) {
        found.push({ where: at(node), text: node.getText(sf) });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

describe('constant-time digest comparison in src/core/signatures', () => {
  test('no digest is compared with ===, !==, .equals, .every or Buffer.compare, and timingSafeEqual is called only by the helper', () => {
    const all = sources();
    assert.ok(all.length >= 8, `read ${all.length} files from ${DIR}`);
    const findings = all.flatMap(({ file, sf }) => unsafeComparisons(file, sf));
    assert.deepEqual(findings, [], findings.map((f) => `${f.where}: ${f.text}`).join('\n'));
  });

  test('the scan does find such comparisons (it is not blind)', () => {
    const probe = [
      'const ok = expected === got;',
      'if (signature !== computed) return;',
      'const same = digest.every((b, i) => b === claimed[i]);',
      'const same2 = a.every((x, i) => x === b[i]);',
      'const eq2 = expected.equals(got);',
      'const eq = Buffer.compare(expectedMac, actual) === 0;',
      'const t = timingSafeEqual(a, b);',
    ];
    for (const line of probe) {
      const sf = ts.createSourceFile('probe.ts', line, ts.ScriptTarget.Latest, true);
      assert.equal(unsafeComparisons('probe.ts', sf).length > 0, true, line);
    }
    const fine = ts.createSourceFile(
      'probe.ts',
      'if (token.trim() === "") x(); if (sig.length !== 64) y(); if (safeEqual(got, expected)) z();',
      ts.ScriptTarget.Latest,
      true,
    );
    assert.deepEqual(unsafeComparisons('probe.ts', fine), []);
  });

  test('the helper safeEqual checks lengths, then calls crypto.timingSafeEqual, and every digest check uses it', () => {
    const util = sources().find((s) => s.file === HELPER_FILE)!;
    const text = util.sf.getFullText();
    assert.match(text, /import \{[^}]*\btimingSafeEqual\b[^}]*\} from 'node:crypto'/);
    let body: string | undefined;
    util.sf.forEachChild((n) => {
      if (ts.isFunctionDeclaration(n) && n.name?.text === 'safeEqual') {
        body = n.body?.getText(util.sf);
      }
    });
    assert.ok(body, 'util.ts declares function safeEqual');
    assert.match(body, /\.length !== [a-z]+\.length\) \{?\s*return false/);
    assert.match(body, /return timingSafeEqual\(a, b\)/);
    // The verifiers do call it (engine: every HMAC scheme; providers: the special cases).
    const users = sources()
      .filter(({ sf }) => /\bsafeEqual(Text)?\(/.test(sf.getFullText()))
      .map((s) => s.file);
    assert.ok(users.includes('engine.ts') && users.some((u) => u.startsWith(`providers${path.sep}`)), users.join(', '));
  });
});
