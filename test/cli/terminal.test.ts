/**
 * Nothing from a policy, data or a malformed line reaches the terminal as a control
 * sequence (#16 item 19): labels, ids, values, messages and file names are shown with
 * `<U+XXXX>`, and every line the CLI writes passes a last guard that lets through only
 * its own colour sequences. JSON output stays valid JSON with the same values.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { forTerminal } from '../../packages/cli/src/render.js';
import { runBylaw, workspace } from '../support/cli.js';

const ESC = '\u001b';
// Clear the screen, set the window title, a link, conceal the rest, a C1 CSI, a bidi override.
const hostile = `${ESC}[2J${ESC}]0;pwned\u0007${ESC}]8;;http://x/\u0007${ESC}[8m\u009b31m\u202e`;
const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** A policy string literal: every control and format character written as an escape (raw bidi controls are BYL1008). */
const str = (s: string) => JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

const policy = (label: string) => `policy t.p "标题"
  version "1"
  published 2024-01-01
  effective 2024-01-01
type M { name: string  score: number }
subject m: M
criterion named ${str(label)} cites ${str(label)}: m.name = "shop" and m.score > 3
decide {
  tier gold ${str(label)}: named
  default tier base
}
`;

function run(dir: string, args: string[]) {
  return runBylaw(args, dir);
}

describe('terminal output carries no control sequences from policies or data', () => {
  it('eval: labels, cites, ids and data values are shown with <U+XXXX>', async () => {
    const dir = workspace({ 'policies/p.policy': policy(`金牌${hostile}`), 'm.json': JSON.stringify({ id: `shop${hostile}`, name: `x${hostile}`, score: 'high' }) });
    const r = await run(dir, ['eval', 't.p', '--data', 'm.json', '--as-of', '2024-02-01', '--explain']);
    expect(r.out).toContain('金牌<U+001B>[2J<U+001B>]0;pwned<U+0007>');
    expect(r.out).toContain('<U+202E>');
    expect(r.out + r.err).not.toMatch(raw);
  });

  it('eval --format json: valid JSON with the same strings, controls and separators escaped', async () => {
    const label = `金牌\u202e\u2028\u0085`;
    const dir = workspace({ 'policies/p.policy': policy(label), 'm.json': JSON.stringify({ name: 'shop', score: 5 }) });
    const r = await run(dir, ['eval', 't.p', '--data', 'm.json', '--as-of', '2024-02-01', '--format', 'json']);
    expect(r.out).not.toMatch(raw);
    expect(r.out).toContain('\\u202e');
    expect(JSON.parse(r.out).tier.label).toBe(label);
  });

  it('check: a message quoting a token with controls, and the code frame', async () => {
    const dir = workspace({ 'policies/p.policy': `let a = 1 "${ESC}[2J"\n` });
    const r = await run(dir, ['check']);
    expect(r.code).toBe(1);
    expect(r.out + r.err).toContain('<U+001B>[2J');
    expect(r.out + r.err).not.toMatch(raw);
  });

  it('a batch: malformed lines quoted in messages, and ids', async () => {
    const dir = workspace({
      'policies/p.policy': policy('金牌'),
      'm.ndjson': `{"name": "shop", "score": 5}\n{"name": ${ESC}[2J\u009b\n{"id": "a${ESC}[8m", "name": "shop", "score": 5}\n`,
    });
    const r = await run(dir, ['eval', 't.p', '--data', 'm.ndjson', '--as-of', '2024-02-01', '--out', join(dir, 'out.ndjson')]);
    expect(r.err).toContain('malformed');
    expect(r.out + r.err).not.toMatch(raw);
  });

  it('diff: labels and values from both versions', async () => {
    const dir = workspace({ 'old.policy': policy('金牌'), 'new.policy': policy(`金牌${hostile}`).replace('m.score > 3', 'm.score > 4') });
    const r = await run(dir, ['diff', 'old.policy', 'new.policy']);
    expect(r.out).toContain('<U+001B>');
    expect(r.out + r.err).not.toMatch(raw);
  });

  it('the last guard keeps the CLI\'s own colours, tabs and line breaks', () => {
    expect(forTerminal(`${ESC}[31;1mREJECTED${ESC}[0m\tx\ny`)).toBe(`${ESC}[31;1mREJECTED${ESC}[0m\tx\ny`);
    expect(forTerminal(`a${ESC}]0;t\u0007b\u202e`)).toBe('a\\u001b]0;t\\u0007b\\u202e');
  });
});
