/**
 * Parser and checker fuzzing.
 *
 * Every input — random text, token soup, random bytes, and the real policies
 * of `policies/` mutated by deleting, duplicating, swapping and inserting
 * tokens — must yield an AST or diagnostics (never an exception) whose spans
 * lie inside the file, and must be parsed and checked in bounded time: the
 * worst ms/KB is recorded and asserted against a loose bound (50 ms/KB plus a
 * fixed allowance for tiny inputs), re-measured before failing so that a GC
 * pause is not a failure.
 *
 * Then the specific hostile shapes: deep nesting of every kind, chains,
 * very long lines, huge numeric literals, invalid UTF-8, a BOM, CRLF and
 * lone CR line endings, and zero-width / bidi control characters in names.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { tmpdir } from 'node:os';
import { check, parse, readSource, renderDiagnostic, tokenize, type CheckResult, type SourceHost } from '../support/bylaw.js';
import { astDepth, badAstSpans, badDiagnosticSpans, count, params, report, runs, scaledRuns, fuzzTimeout } from './support.js';

// ---------------------------------------------------------------------------
// The real policies, in memory

const root = new URL('../../policies/', import.meta.url).pathname;
const corpus = new Map<string, string>();
(function walk(dir: string, rel: string) {
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, rel ? `${rel}/${name}` : name);
    else if (name.endsWith('.policy')) corpus.set(`policies/${rel}/${name}`, readFileSync(full, 'utf8'));
  }
})(root, '');
const policyPaths = [...corpus.keys()].filter((p) => corpus.get(p)!.startsWith('policy '));

/** Imports read from the in-memory corpus (the mutated file itself is passed as an input). */
const host: SourceHost = {
  readFile: (path) => corpus.get(path),
  resolve: (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec)),
};

/** Every token image of the corpus, for token soup and insertions. */
const vocabulary = [...new Set([...corpus.values()].flatMap((t) => tokenize(t).tokens.map((k) => k.image)))];

// ---------------------------------------------------------------------------
// The oracle

const TIME_PER_KB = 50; // ms; the issue asks for "a few ms per KB": this is the flake-proof bound
const TIME_FIXED = 25; // ms allowed for any input, however small (JIT warm-up, GC)
const worst = { msPerKb: 0, ms: 0, size: 0, sample: '' };
/** ms/KB of every input of 1 KB or more, for the distribution in the report line. */
const msPerKb: number[] = [];
function timing(): string {
  const sorted = [...msPerKb].sort((a, b) => a - b);
  const at = (q: number) => (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0).toFixed(2);
  return `ms/KB over inputs ≥ 1 KB: median ${at(0.5)}, p99 ${at(0.99)}, max ${worst.msPerKb.toFixed(2)} (${worst.size} chars)`;
}

function timed<T>(f: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = f();
  return { value, ms: performance.now() - t0 };
}

/** Parse and check one input (as the file at `path`), asserting the oracle. */
function oracle(text: string, path = 'fuzz.policy', extraInputs: { path: string; text: string }[] = []): CheckResult {
  const run = () => {
    const parsed = parse(text, path);
    const checked = check([{ path, text }, ...extraInputs], { host });
    return { parsed, checked };
  };
  let { value, ms } = timed(run);
  const kb = Math.max(text.length / 1024, 0.001);
  if (ms > 5 + 5 * kb) {
    // Over the "few ms per KB" target: re-measure, since a GC pause or a JIT deoptimisation is not
    // the input's cost; what is recorded and asserted is the best of three.
    for (let i = 0; i < 2; i++) ms = Math.min(ms, timed(run).ms);
  }
  if (text.length >= 1024) {
    msPerKb.push(ms / kb);
    if (ms / kb > worst.msPerKb) Object.assign(worst, { msPerKb: ms / kb, ms, size: text.length, sample: text.slice(0, 80) });
  }
  expect(ms, `parse + check took ${ms.toFixed(1)} ms for ${text.length} characters`).toBeLessThanOrEqual(TIME_FIXED + TIME_PER_KB * kb);

  const { parsed, checked } = value;
  expect(parsed.ast.kind).toBe('SourceFile');
  expect(badDiagnosticSpans(parsed.diagnostics, (f) => (f === path ? text : undefined)), 'parse diagnostics spans').toEqual([]);
  expect(badAstSpans(parsed.ast, text.length), 'AST spans').toEqual([]);
  const texts = new Map([...checked.files].map(([k, v]) => [k, v.text]));
  expect(badDiagnosticSpans(checked.diagnostics, (f) => texts.get(f)), 'check diagnostics spans').toEqual([]);
  for (const d of checked.diagnostics.slice(0, 10)) {
    const rendered = renderDiagnostic(d, texts.get(d.file) ?? '');
    expect(rendered).toContain(d.code);
  }
  // Errors make no policy: a file with an error never reaches the runtime.
  // (Errors found across policies — unknown or cyclic references, versions — leave each policy checked;
  // the registry refuses the whole set then.)
  const across = new Set(['BYL3012', 'BYL3013', 'BYL3014', 'BYL3017', 'BYL3020']);
  for (const p of checked.policies) {
    const own = checked.diagnostics.filter((d) => d.severity === 'error' && d.file === p.file && !across.has(d.code));
    expect(own.map((d) => `${d.code} ${d.message}`), 'a policy with errors of its own is not returned as checked').toEqual([]);
  }
  return checked;
}

// ---------------------------------------------------------------------------
// Mutations of the real policies

type Mutation =
  | { op: 'delete'; at: number; length: number }
  | { op: 'duplicate'; at: number }
  | { op: 'swap'; a: number; b: number }
  | { op: 'insert'; at: number; token: string }
  | { op: 'replace'; at: number; token: string }
  | { op: 'bytes'; at: number; chars: string }
  | { op: 'truncate'; at: number };

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...vocabulary) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), token: fc.constantFrom(...vocabulary) }),
  fc.record({
    op: fc.constant('bytes' as const),
    at: fc.nat(),
    chars: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.constantFrom('\u200b', '\u200d', '\u202e', '\u2066', '\ufeff', '\ud800', '\udfff', '\r', '\r\n', '\u0000', '"', '/*', '//', '\\', '：', '“'),
    ),
  }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Apply mutations to a text at token boundaries (comments and spacing kept). */
function mutate(text: string, mutations: readonly Mutation[]): string {
  let out = text;
  for (const m of mutations) {
    const tokens = tokenize(out).tokens;
    if (tokens.length === 0) {
      out = m.op === 'bytes' ? m.chars + out : m.op === 'insert' ? m.token + ' ' + out : out;
      continue;
    }
    const t = (i: number) => tokens[i % tokens.length]!;
    const cut = (a: number, b: number, s: string) => out.slice(0, a) + s + out.slice(b);
    switch (m.op) {
      case 'delete': {
        const first = t(m.at);
        const last = tokens[Math.min(tokens.indexOf(first) + m.length - 1, tokens.length - 1)]!;
        out = cut(first.startOffset, last.endOffset! + 1, '');
        break;
      }
      case 'duplicate': {
        const k = t(m.at);
        out = cut(k.endOffset! + 1, k.endOffset! + 1, ' ' + k.image);
        break;
      }
      case 'swap': {
        let [x, y] = [t(m.a), t(m.b)];
        if (x.startOffset > y.startOffset) [x, y] = [y, x];
        if (x === y) break;
        out = out.slice(0, x.startOffset) + y.image + out.slice(x.endOffset! + 1, y.startOffset) + x.image + out.slice(y.endOffset! + 1);
        break;
      }
      case 'insert': {
        const k = t(m.at);
        out = cut(k.startOffset, k.startOffset, m.token + ' ');
        break;
      }
      case 'replace': {
        const k = t(m.at);
        out = cut(k.startOffset, k.endOffset! + 1, m.token);
        break;
      }
      case 'bytes': {
        const at = m.at % (out.length + 1);
        out = cut(at, at, m.chars);
        break;
      }
      case 'truncate':
        out = out.slice(0, m.at % (out.length + 1));
        break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------

describe('parser and checker fuzzing', () => {
  it('mutated real policies: an AST or diagnostics with valid spans, in bounded time', () => {
    const target = 'parser: mutated real policies';
    fc.assert(
      fc.property(fc.constantFrom(...policyPaths), fc.array(mutationArb, { minLength: 1, maxLength: 6 }), (path, mutations) => {
        count(target);
        const text = mutate(corpus.get(path)!, mutations);
        // Checked as the real file, so that its imports resolve and the checker gets past names.
        oracle(text, path);
      }),
      params(runs(800)),
    );
    report(target, timing());
  }, fuzzTimeout);

  it('token soup: random sequences of the language’s tokens', () => {
    const target = 'parser: token soup';
    const unit = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...vocabulary) },
      { weight: 2, arbitrary: fc.constantFrom(' ', '\n', '\r\n', '(', ')', '{', '}', '[', ']', ':', ',', '"', '/*', '*/', '//', '-', '.', '?') },
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 300 }), fc.boolean(), (parts, header) => {
        count(target);
        const body = parts.join(' ');
        oracle(header ? `policy x.y "t" version "1" published 2020-01-01 effective 2020-01-01\n${body}` : body);
      }),
      params(runs(1000)),
    );
    report(target);
  }, fuzzTimeout);

  it('random text: any code points, lone surrogates, control characters', () => {
    const target = 'parser: random text';
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary', maxLength: 400 }),
          fc.string({ unit: 'binary-ascii', maxLength: 400 }),
          fc.string({ unit: fc.constantFrom('\ud800', '\udc00', '\u0000', '\u200b', '\u202e', '\ufeff', 'a', '1', '"', '\\', '\n', '\r', ' ', '万', '%', '_', '.', '-', '/', '*'), maxLength: 400 }),
        ),
        (text) => {
          count(target);
          oracle(text);
        },
      ),
      params(runs(1000)),
    );
    report(target);
  }, fuzzTimeout);

  it('random bytes decoded as UTF-8 (invalid sequences become U+FFFD; files on disk give BYL1009)', () => {
    const target = 'parser: random bytes';
    const dir = mkdtempSync(join(tmpdir(), 'bylaw-bytes-'));
    try {
      let i = 0;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom(...policyPaths), fc.nat(), (bytes, path, at) => {
          count(target);
          // Random bytes spliced into a real policy, at a random byte offset.
          const original = Buffer.from(corpus.get(path)!, 'utf8');
          const offset = at % (original.length + 1);
          const buffer = Buffer.concat([original.subarray(0, offset), Buffer.from(bytes), original.subarray(offset)]);
          const lossy = new TextDecoder('utf-8').decode(buffer);
          oracle(lossy);
          // Read from a file: invalid UTF-8 is a diagnostic with a span inside the lossy text, never an exception.
          const file = join(dir, `f${i++ % 8}.policy`);
          writeFileSync(file, buffer);
          const read = readSource(file, 'f.policy');
          let valid = true;
          try {
            new TextDecoder('utf-8', { fatal: true }).decode(buffer);
          } catch {
            valid = false;
          }
          if (valid) expect(read.text).toBeDefined();
          else {
            expect(read.text).toBeUndefined();
            expect(read.diagnostic?.code).toBe('BYL1009');
            expect(read.lossy).toBeDefined();
            expect(badDiagnosticSpans([read.diagnostic!], () => read.lossy)).toEqual([]);
          }
        }),
        params(runs(300)),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    report(target);
  }, fuzzTimeout);
});

// ---------------------------------------------------------------------------
// Specific hostile inputs

const H = 'policy t.p "x"\n  version "1"\n  published 2020-01-01\n  effective 2020-01-01\n';
const T = 'type M { a: number  b: bool  s: string  xs: list of number  r?: M }\nsubject m: M\n';
const policyWith = (decl: string, admit = 'm.b') => `${H}${T}${decl}\ndecide { admit when ${admit} }\n`;

function codes(r: CheckResult): string[] {
  return r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
}

describe('deep nesting: a clear error (BYL4001), never a stack overflow', () => {
  const n = 50_000;
  const shapes: [string, string][] = [
    ['parentheses', `${'('.repeat(n)}1${')'.repeat(n)} > 0`],
    ['not', `${'not '.repeat(n)}m.b`],
    ['unary minus', `${'-'.repeat(n)}1 > 0`],
    ['list literals', `1 in ${'['.repeat(n)}1${']'.repeat(n)}`],
    ['if then else', `${'if m.b then '.repeat(n)}m.b${' else m.b'.repeat(n)}`],
    ['combinators', `${'all of { '.repeat(n)}m.b${' }'.repeat(n)}`],
    ['aggregations', `${'any(x in m.xs: '.repeat(n)}m.b${')'.repeat(n)}`],
    ['+ chain', `${'1 + '.repeat(n)}1 > 0`],
    ['* chain', `${'2 * '.repeat(n)}1 > 0`],
    ['and chain', `${'m.b and '.repeat(n)}m.b`],
    ['or chain', `${'m.b or '.repeat(n)}m.b`],
    ['member chain', `m${'.r'.repeat(n)}.b`],
    ['index chain', `m.xs${'[0]'.repeat(n)} > 0`],
  ];
  for (const [name, admit] of shapes) {
    it(name, () => {
      const text = policyWith('', admit);
      const r = oracle(text);
      expect(codes(r)).toContain('BYL4001');
      const d = r.diagnostics.find((x) => x.code === 'BYL4001')!;
      expect(d.message).toMatch(/nest|deep/);
      expect(d.hint).toMatch(/limits\.maxNestingDepth/);
    });
  }

  it('types: list of list of …', () => {
    const text = `${H}type M { xs: ${'list of '.repeat(n)}number }\nsubject m: M\ndecide { admit when true }\n`;
    expect(codes(oracle(text))).toContain('BYL4001');
  });

  it('definitions that refer to each other in a long chain (lets and criteria)', () => {
    const lets = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? 'let v0 = 1' : `let v${i} = v${i - 1} + 1`)).join('\n');
    const r1 = oracle(policyWith(lets, 'v19999 > 0'));
    expect(codes(r1)).toContain('BYL4001');
    const crits = Array.from({ length: 20_000 }, (_, i) => (i === 0 ? 'criterion c0: m.b' : `criterion c${i}: c${i - 1}`)).join('\n');
    const r2 = oracle(policyWith(crits, 'c19999'));
    expect(codes(r2)).toContain('BYL4001');
  });

  it('a deep but allowed policy checks and evaluates on every path', async () => {
    const { PolicyRegistry } = await import('../support/bylaw.js');
    const text = policyWith('let v = ' + '('.repeat(20) + 'm.a + 1' + ')'.repeat(20), `${'not '.repeat(10)}(v > 0 and ${'m.b and '.repeat(40)}m.b)`);
    for (const codegen of [true, false]) {
      const r = PolicyRegistry.fromSources([{ path: 'a.policy', text }], { codegen });
      expect(codes(r as never as CheckResult)).toEqual([]);
      const d = r.registry!.evaluate('t.p', { a: 1, b: true }, { asOf: '2021-01-01', explain: true });
      expect(d.outcome).toBe('admitted');
    }
  });

  it('many syntax errors are reported as syntax errors, not as nesting too deep', () => {
    const broken = Array.from({ length: 300 }, (_, i) => `let v${i} = (1 + )`).join('\n');
    const r = oracle(policyWith(broken));
    expect(codes(r)).not.toContain('BYL4001');
    expect(codes(r).filter((c) => c === 'BYL1004').length).toBeGreaterThanOrEqual(300);
    const items = Array.from({ length: 300 }, () => `  m.a > `).join('\n');
    const r2 = oracle(`${H}${T}criterion c: all of {\n${items}\n}\ndecide { admit when c }\n`);
    expect(codes(r2)).not.toContain('BYL4001');
  });
});

describe('long lines, huge literals, large files', () => {
  it('a 1 MB line of tokens', () => {
    const line = Array.from({ length: 100_000 }, (_, i) => `m.a > ${i} and`).join(' ');
    oracle(policyWith('', `${line.slice(0, 1_000_000)} m.b`));
  });

  it('a 1 MB identifier, string, comment and number', () => {
    const big = 'x'.repeat(1_000_000);
    oracle(policyWith(`let ${big} = 1`, `${big} > 0`));
    oracle(policyWith(`let s = "${big}"`, `m.s = s`));
    oracle(policyWith(`// ${big}\n/* ${big} */`));
    const digits = '9'.repeat(1_000_000);
    const r = oracle(policyWith('', `m.a > ${digits}`));
    expect(r.policies.length + r.diagnostics.length).toBeGreaterThan(0);
  });

  it('unknown names that do not resemble anything: suggestions stay cheap (no quadratic "did you mean")', () => {
    const n = 8000;
    const lets = Array.from({ length: n }, (_, i) => `let v${i} = u${i}`).join('\n');
    const r = oracle(policyWith(lets));
    expect(codes(r).filter((c) => c === 'BYL2001').length).toBe(n);
    const long = 'q'.repeat(200_000);
    oracle(policyWith(`let ${long}a = 1\nlet y = ${long}b`));
  });

  it('many tiers whose thresholds are all out of order: bounded time and one warning per tier', () => {
    const tiers = Array.from({ length: 3000 }, (_, i) => `  tier t${i}: m.a >= ${3000 - i} and m.a + 1 >= ${i}`).join('\n');
    const r = oracle(`${H}${T}decide {\n${tiers}\n}\n`);
    expect(r.diagnostics.filter((d) => d.code === 'BYL3011').length).toBeLessThanOrEqual(3000);
  });

  it('many enum members, fields, duplicates: bounded time', () => {
    const members = Array.from({ length: 30_000 }, (_, i) => `e${i}`).join(', ');
    oracle(`${H}enum E { ${members} }\ntype M { e: E }\nsubject m: M\ndecide { admit when m.e in [${Array.from({ length: 5000 }, (_, i) => `e${i}`).join(', ')}] }\n`);
    const fields = Array.from({ length: 30_000 }, (_, i) => `f${i % 15_000}: number`).join('\n');
    oracle(`${H}type M {\n${fields}\n}\nsubject m: M\ndecide { admit when m.f1 > 0 }\n`);
    const dup = Array.from({ length: 20_000 }, () => 'let d = 1').join('\n');
    oracle(policyWith(dup));
    // Thousands of unknown members of a 30,000-member enum: hints name a dozen members, not all of them.
    const unknown = oracle(`${H}enum E { ${members} }\ntype M { e: E }\nsubject m: M\ndecide { admit when m.e in [${Array.from({ length: 2000 }, (_, i) => `x${i}`).join(', ')}] }\n`);
    expect(unknown.diagnostics.filter((d) => d.code === 'BYL2005' || d.code === 'BYL2001').length).toBe(2000);
    for (const d of unknown.diagnostics) expect((d.hint ?? '').length).toBeLessThan(300);
  });

  it('huge numeric literals: checked or rejected, and evaluation does not throw', async () => {
    const { PolicyRegistry } = await import('../support/bylaw.js');
    const huge = '1' + '0'.repeat(400);
    const cases = [
      `m.a < ${huge}`,
      `m.a + ${huge} > 0`,
      `m.a * ${huge}万 > 0`,
      `m.a > 0.${'0'.repeat(400)}1`,
      `m.a / 0 > 1`,
      `m.a > 9_999_999_999_999_999_999_999`,
      `sum(m.xs) >= ${huge}%`,
    ];
    for (const admit of cases) {
      const text = policyWith('', admit);
      oracle(text);
      const r = PolicyRegistry.fromSources([{ path: 'a.policy', text }]);
      if (!r.registry) continue;
      for (const a of [1, 1e308, -1e308, 0]) {
        expect(() => r.registry!.evaluate('t.p', { a, b: true, xs: [a, a] }, { asOf: '2021-01-01', explain: true })).not.toThrow();
      }
    }
    for (const [window, ok] of [
      ['last 10000000000000000 days', false],
      ['last 100000000000000000000 months', false],
      ['last 10000000000000000 hours', false],
      [`last ${huge} years`, false],
      ['last 0 days', false],
      ['last 1.5 days', false],
      ['last 36500 days', true],
    ] as const) {
      const text = `${H}type M { d: date  t: datetime }\nsubject m: M\ndecide { admit when m.d in ${window} or m.t in ${window} }\n`;
      const r = PolicyRegistry.fromSources([{ path: 'a.policy', text }]);
      expect(r.registry !== undefined, `${window} ${ok ? 'is accepted' : 'is rejected by the checker'}`).toBe(ok);
      if (!ok) expect(r.diagnostics.some((d) => d.severity === 'error' && /window/.test(d.message)), window).toBe(true);
    }
    const atLeast = `${H}${T}criterion c: at least ${huge} of { m.b }\ndecide { admit when c }\n`;
    expect(codes(oracle(atLeast))).toContain('BYL3021');
  });
});

describe('encodings and invisible characters', () => {
  const sample = corpus.get(policyPaths[0]!)!;

  it('a BOM at the start is accepted; CRLF and lone CR give the same diagnostics as LF', () => {
    const base = oracle(sample, policyPaths[0]!);
    const baseCodes = base.diagnostics.map((d) => d.code);
    for (const variant of ['\ufeff' + sample, sample.replace(/\n/g, '\r\n'), sample.replace(/\n/g, '\r'), '\ufeff' + sample.replace(/\n/g, '\r\n')]) {
      const r = oracle(variant, policyPaths[0]!);
      expect(r.diagnostics.map((d) => d.code)).toEqual(baseCodes);
      expect(r.policies.length).toBe(base.policies.length);
    }
  });

  it('a BOM read from disk is dropped by readSource', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bylaw-bom-'));
    try {
      const file = join(dir, 'a.policy');
      writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(sample.replace(/\n/g, '\r\n'))]));
      const read = readSource(file, 'a.policy');
      expect(read.text?.startsWith('policy')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('zero-width and bidi control characters inside names are flagged (BYL1008) at the character', () => {
    const invisible = ['\u200b', '\u200c', '\u200d', '\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2060', '\u2066', '\u2067', '\u2068', '\u2069', '\u00ad', '\u061c'];
    fc.assert(
      fc.property(fc.constantFrom(...invisible), fc.integer({ min: 1, max: 5 }), (ch, pos) => {
        const name = 'silver_standard'.slice(0, pos) + ch + 'silver_standard'.slice(pos);
        const text = policyWith(`criterion ${name}: m.b`, `${name}`);
        const r = oracle(text);
        const flagged = r.diagnostics.filter((d) => d.code === 'BYL1008');
        expect(flagged.length, `U+${ch.charCodeAt(0).toString(16)} in a name is flagged`).toBeGreaterThan(0);
        expect(flagged.every((d) => d.severity === 'error')).toBe(true);
        expect(flagged.some((d) => text.slice(d.span.start, d.span.end).includes(ch))).toBe(true);
        expect(r.policies).toEqual([]);
      }),
      params(scaledRuns(100, 0.01)),
    );
  });

  it('bidi controls that reorder code (Trojan Source) outside strings are flagged', () => {
    const text = policyWith('', `m.b \u202e and \u2066 m.b`);
    expect(codes(oracle(text))).toContain('BYL1008');
  });
});

describe('nesting depth of the real policies', () => {
  it('stays far below the default limit', () => {
    for (const [path, text] of corpus) {
      const { ast, diagnostics } = parse(text, path);
      expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      expect(astDepth(ast), path).toBeLessThan(40);
    }
  });
});
