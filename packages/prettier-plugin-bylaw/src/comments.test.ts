/**
 * Where comments go, and a property test: comments inserted anywhere between
 * tokens survive formatting, once and for all (a second pass moves nothing),
 * without changing the AST.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse, tokenize, type SourceFile } from '@bylaw/dsl';
import { format } from './index.js';

const corpus = `policy demo.all "全部语法" version "1" published 2023-07-28 effective 2023-08-04 until 2024-08-04
  source "s" timezone "Asia/Shanghai" note "n"
import "./types.policy"
subject m: Merchant
enum Level "等级" { L1 < L2 < L3 }
enum Kind { oem "代工厂", direct "直营" }
type Merchant "商家" { level: Level "等级" kinds: list of Kind orders: monthly number nick?: string banned: bool = false "违规" }
let period "周期" = last 3 natural months
let total = sum(m.orders during period) + count(k in m.kinds where k = oem) * 2
param floor "门槛": number = 900万
param labs: list of string = ["SGS", "ITS", "BV"]
placeholder t "阈值": table string -> number
table tone: Kind -> number { oem: 2 default: 3 }
criterion c "标准" cites "第一条": all of {
  lv "等级": m.level >= L3 and not m.banned or (m.nick is present and m.nick starts with "严")
  any of { total > floor  at least 1 of { m satisfies demo.other  today - 1 year < 2023-07-28T10:00 } }
  big: if m.level = L3 then t["a"] > 1 else any(o in m.orders during period: o > 24)
}
decide {
  admit when c
  exclude x "排除" cites "二": m.banned
  tier gold "金": c
  default tier base "基础"
  prefer p: m.level > L1
  benefit b "权益" for gold, base
}
`;

const shapes = [
  (i: number) => ` /* c${i} */ `,
  (i: number) => ` // c${i}\n`,
  (i: number) => `\n// c${i}\n`,
  (i: number) => `\n\n/* c${i} */\n\n`,
  (i: number) => `/* a${i}\n * b */`,
  (i: number) => ` /* i${i} */ // t${i}\n`,
  () => `\n// prettier-ignore\n`,
];

function stripPositions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripPositions);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => k !== 'span' && k !== 'comments')
        .map(([k, v]) => [k, stripPositions(v)]),
    );
  }
  return value;
}

const texts = (ast: SourceFile) => ast.comments.map((c) => c.text.split('\n').map((l) => l.trim()).join('\n')).sort();

function parsed(text: string): SourceFile {
  const { ast, diagnostics } = parse(text);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return ast;
}

describe('comment placement', () => {
  it.each([
    ['own-line comments stay above their row', 'type T {\n  // about a\n  a: number\n}\n', 'type T {\n  // about a\n  a: number\n}\n'],
    ['end-of-line comments stay at the end of their line', 'type T {\n  a: number // about a\n}\n', 'type T {\n  a: number // about a\n}\n'],
    [
      'a comment before an operand goes above its operator',
      'criterion c:\n  a and\n  // about b\n  b\n',
      'criterion c:\n  a\n  // about b\n  and b\n',
    ],
    ['a comment inside a phrase goes to the end of its line', 'let d = 24 // hours!\n  hours\n', 'let d = 24 hours // hours!\n'],
    ['a comment inside a heading goes above the line', 'criterion c\n// why\n"标签": a\n', '// why\ncriterion c "标签": a\n'],
    ['a comment after the colon stays there', 'criterion c "标签": // why\n  a and b\n', 'criterion c "标签": // why\n  a and b\n'],
    [
      'a comment before the default row stays above it',
      'table t: string -> number {\n  "a": 1\n  // otherwise\n  default: 2\n}\n',
      'table t: string -> number {\n  "a": 1\n  // otherwise\n  default: 2\n}\n',
    ],
    ['comments in empty blocks stay inside', 'decide { // later\n}\n', 'decide {\n  // later\n}\n'],
    ['a comment-only file keeps its comments', '// one\n\n\n/* two */\n', '// one\n\n/* two */\n'],
    ['two line comments never share a line', 'let v // one\n= 1 // two\nlet w = 2\n', 'let v = 1 // one\n// two\nlet w = 2\n'],
    ['a comment in parentheses goes to the end of the line', 'let v = (x // c\n)\n', 'let v = (x) // c\n'],
  ])('%s', async (_name, input, expected) => {
    const output = await format(input);
    expect(output).toBe(expected);
    expect(await format(output)).toBe(output);
  });
});

describe('comments anywhere (property)', () => {
  const tokens = tokenize(corpus).tokens;
  const base = stripPositions(parsed(corpus));

  it('survive formatting, once and for all, without changing the AST', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(tokens.length - 1), fc.nat(shapes.length - 1)), { minLength: 1, maxLength: 4 }),
        async (picks) => {
          let text = corpus;
          [...picks]
            .sort((a, b) => tokens[b[0]]!.startOffset - tokens[a[0]]!.startOffset)
            .forEach(([t, s], i) => {
              const at = tokens[t]!.startOffset;
              text = text.slice(0, at) + shapes[s]!(i) + text.slice(at);
            });
          const input = parsed(text);
          const output = await format(text);
          const reparsed = parsed(output);
          expect(stripPositions(reparsed)).toEqual(base);
          expect(texts(reparsed)).toEqual(texts(input));
          expect(await format(output)).toBe(output);
        },
      ),
      { numRuns: 300, seed: 20240517 },
    );
  });
});
