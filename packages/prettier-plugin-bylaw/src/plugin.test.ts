/**
 * The plugin through Prettier's real API: `prettier.format`, `check`,
 * `getSupportInfo`, parser inference from the file name, errors, options.
 */
import { describe, expect, it } from 'vitest';
import * as prettier from 'prettier';
import plugin, { BylawSyntaxError, format, languages, options, parsers, printers } from './index.js';
import { parse } from '@bylaw/dsl';

const messy = `policy demo.silver "银牌"   version "1"
  published 2023-09-01 effective 2023-09-08
subject provider:Provider
type Provider { paid_orders: number "支付订单量"  active?: number }
criterion silver "银牌标准" cites "银牌标准": all of { paid "支付订单量" cites "必须指标": provider.paid_orders >= 900万
    active "动销商家数": provider.active >= 1000 }
decide { tier silver "银牌服务商": silver
  default tier base "服务商" }
`;

const tidy = `policy demo.silver "银牌"
  version "1"
  published 2023-09-01
  effective 2023-09-08

subject provider: Provider

type Provider {
  paid_orders: number "支付订单量"
  active?: number
}

criterion silver "银牌标准" cites "银牌标准":
  all of {
    paid "支付订单量" cites "必须指标": provider.paid_orders >= 900万
    active "动销商家数": provider.active >= 1000
  }

decide {
  tier silver "银牌服务商": silver
  default tier base "服务商"
}
`;

describe('prettier-plugin-bylaw through prettier.format', () => {
  it('formats with parser "bylaw"', async () => {
    expect(await prettier.format(messy, { parser: 'bylaw', plugins: [plugin] })).toBe(tidy);
  });

  it('infers the parser from a .policy file name', async () => {
    expect(await prettier.format(messy, { filepath: 'policies/demo/silver.policy', plugins: [plugin] })).toBe(tidy);
  });

  it('accepts the module namespace as a plugin too', async () => {
    const namespace = await import('./index.js');
    expect(await prettier.format(messy, { parser: 'bylaw', plugins: [namespace] })).toBe(tidy);
  });

  it('checks formatted text with prettier.check', async () => {
    expect(await prettier.check(tidy, { parser: 'bylaw', plugins: [plugin] })).toBe(true);
    expect(await prettier.check(messy, { parser: 'bylaw', plugins: [plugin] })).toBe(false);
  });

  it('exposes the language, the parser, the printer and the options', async () => {
    expect(languages[0]).toMatchObject({ name: 'Bylaw', parsers: ['bylaw'], extensions: ['.policy'] });
    expect(Object.keys(parsers)).toEqual(['bylaw']);
    expect(Object.keys(printers)).toEqual([parsers['bylaw']!.astFormat]);
    expect(options).toEqual({});
    const info = await prettier.getSupportInfo({ plugins: [plugin] });
    expect(info.languages.find((l) => l.name === 'Bylaw')?.extensions).toEqual(['.policy']);
  });

  it('has the format() shortcut', async () => {
    expect(await format(messy)).toBe(tidy);
  });
});

describe('the parser', () => {
  it('gives Prettier exact locations: the AST spans', () => {
    const text = 'let a = 1\n\nlet b = (2)\n';
    const ast = parsers['bylaw']!.parse(text, {} as never) as unknown as ReturnType<typeof parse>['ast'];
    const [a, b] = ast.declarations;
    expect([parsers['bylaw']!.locStart(a!), parsers['bylaw']!.locEnd(a!)]).toEqual([0, 9]);
    expect(text.slice(parsers['bylaw']!.locStart(b!), parsers['bylaw']!.locEnd(b!))).toBe('let b = (2)');
  });

  it('reports a file that does not parse with its diagnostics, and a position', async () => {
    const bad = 'type A { x: number }\nlet a = 1 +\ncriterion c "标签": merchant.x >= )\n';
    const error = await prettier.format(bad, { parser: 'bylaw', plugins: [plugin], filepath: 'bad.policy' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BylawSyntaxError);
    const e = error as BylawSyntaxError;
    expect(e.loc).toEqual({ start: { line: 3, column: 1 } });
    expect(e.diagnostics.map((d) => d.code)).toEqual(['BYL1004', 'BYL1004']);
    // Every error, each rendered with its file, position, code frame and hint.
    expect(e.message).toContain("bad.policy:3:1: error BYL1004: unexpected 'criterion' in an expression");
    expect(e.message).toContain("bad.policy:3:33: error BYL1004: unexpected ')'");
    expect(e.message).toContain('= hint: write: let name "标签" = expression');
  });

  it('treats checker errors as none of its business: only syntax errors stop formatting', async () => {
    // An unknown name is a checker error (BYL2001), not a parse error.
    expect(await format('criterion c: unknown_name\n')).toBe('criterion c: unknown_name\n');
  });
});

describe('options', () => {
  const text = 'criterion silver "产业带银牌服务商" cites "银牌标准": paid_orders >= 900万 and active_merchants >= 1000\n';

  it('follows printWidth', async () => {
    expect(await format(text, { printWidth: 120 })).toBe(text);
    expect(await format(text, { printWidth: 80 })).toBe(
      'criterion silver "产业带银牌服务商" cites "银牌标准":\n  paid_orders >= 900万 and active_merchants >= 1000\n',
    );
    expect(await format(text, { printWidth: 40 })).toBe(
      'criterion silver "产业带银牌服务商" cites "银牌标准":\n  paid_orders >= 900万\n  and active_merchants >= 1000\n',
    );
  });

  it('measures Chinese text by display width: a CJK character takes two columns', async () => {
    // 37 characters take 74 columns: with its body the line would be 97 columns wide.
    const label = '一'.repeat(37);
    expect(await format(`criterion c "${label}": x and y\n`)).toBe(`criterion c "${label}":\n  x and y\n`);
    // The same number of ASCII characters fits.
    const ascii = 'a'.repeat(37);
    expect(await format(`criterion c "${ascii}": x and y\n`)).toBe(`criterion c "${ascii}": x and y\n`);
    expect(prettier.util.getStringWidth('产业带')).toBe(6);
  });

  it('follows tabWidth and useTabs', async () => {
    const block = 'type T { a: number }\n';
    expect(await format(block, { tabWidth: 4 })).toBe('type T {\n    a: number\n}\n');
    expect(await format(block, { useTabs: true })).toBe('type T {\n\ta: number\n}\n');
  });

  it('reads CRLF and writes the endOfLine asked for', async () => {
    const crlf = 'type T {\r\n  a: number // c\r\n}\r\n';
    expect(await format(crlf)).toBe('type T {\n  a: number // c\n}\n');
    expect(await format(crlf, { endOfLine: 'crlf' })).toBe(crlf);
  });
});

describe('prettier-ignore', () => {
  it('keeps the next declaration, field, item or rule as written', async () => {
    const text = `// prettier-ignore
criterion  keep :   a   and b
criterion  fixed :   a   and b
type T {
  // prettier-ignore
  keep:   number
  fixed:   number
}
`;
    expect(await format(text)).toBe(`// prettier-ignore
criterion  keep :   a   and b

criterion fixed: a and b

type T {
  // prettier-ignore
  keep:   number
  fixed: number
}
`);
  });
});
