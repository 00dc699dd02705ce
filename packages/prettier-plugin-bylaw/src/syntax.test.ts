/**
 * Parentheses and operator chains, which the AST leaves implicit.
 */
import { describe, expect, it } from 'vitest';
import { parse, type Expression, type LetDecl } from '@bylaw/dsl';
import { chainOperands, continuesChain, isParenthesised } from './syntax.js';

function valueOf(expression: string): { value: Expression; text: string } {
  const text = `let x = ${expression}`;
  const { ast, diagnostics } = parse(text);
  expect(diagnostics).toEqual([]);
  return { value: (ast.declarations[0] as LetDecl).value, text };
}

describe('isParenthesised', () => {
  it.each([
    ['a', false],
    ['(a)', true],
    ['((a))', true],
    ['a + b', false],
    ['(a + b)', true],
    ['(a) + b', false],
    ['a.b', false],
    ['(a).b', false],
    ['(a.b)', true],
    ['not a', false],
    ['(not a)', true],
    ['count(xs)', false],
    ['(count(xs))', true],
    ['[1, 2]', false],
    ['([1, 2])', true],
    ['3 months', false],
    ['(3 months)', true],
    ['x is present', false],
    ['(x) is present', false],
    ['(x is present)', true],
    ['(a) during b', false],
    ['(a during b)', true],
  ])('%s → %s', (expression, expected) => {
    const { value, text } = valueOf(expression);
    expect(isParenthesised(value, text)).toBe(expected);
  });
});

describe('operator chains', () => {
  const names = (es: Expression[], text: string) => es.map((e) => text.slice(e.span.start, e.span.end));

  it('flattens a left-nested run of one precedence level', () => {
    const { value, text } = valueOf('a and b and c');
    expect(value.kind).toBe('BinaryExpr');
    expect(names(chainOperands(value as never, text), text)).toEqual(['a', 'b', 'c']);
  });

  it('treats + and - as one level, * and / as another', () => {
    const { value, text } = valueOf('a + b - c * d / e');
    expect(names(chainOperands(value as never, text), text)).toEqual(['a', 'b', 'c * d / e']);
  });

  it('stops at parentheses and at other levels', () => {
    const { value, text } = valueOf('(a and b) and c or d');
    expect(names(chainOperands(value as never, text), text)).toEqual(['(a and b) and c', 'd']);
    const left = (value as { left: Expression }).left;
    expect(names(chainOperands(left as never, text), text)).toEqual(['(a and b)', 'c']);
    expect(continuesChain(left as never, (left as { left: Expression }).left, text)).toBe(false);
  });

  it('never chains comparisons', () => {
    const { value, text } = valueOf('a >= b');
    expect(names(chainOperands(value as never, text), text)).toEqual(['a', 'b']);
  });
});
