/**
 * Semantic tokens: what each name is (a field, an enum member, a criterion, a placeholder…),
 * which the TextMate grammar cannot know. Encoded as LSP's relative five-number tuples.
 */
import type { SemanticTokens, SemanticTokensLegend } from 'vscode-languageserver-types';
import type { Definition, SymbolIndex } from './symbols.js';
import type { PositionIndex } from './text.js';

const tokenTypes = ['namespace', 'type', 'enum', 'enumMember', 'property', 'variable', 'parameter', 'function'] as const;
const tokenModifiers = ['declaration', 'readonly', 'placeholder'] as const;

/** The legend the server announces: token types and modifiers by index. */
export const semanticTokensLegend: SemanticTokensLegend = { tokenTypes: [...tokenTypes], tokenModifiers: [...tokenModifiers] };

type TokenType = (typeof tokenTypes)[number];

/** How a definition's names are shown; undefined for those the grammar already shows (file paths). */
function classify(d: Definition): { type: TokenType; modifiers: number } | undefined {
  const readonly = 1 << tokenModifiers.indexOf('readonly');
  switch (d.kind) {
    case 'policy':
      return { type: 'namespace', modifiers: 0 };
    case 'file':
      return undefined;
    case 'subject':
      return { type: 'parameter', modifiers: 0 };
    case 'type':
      return { type: 'type', modifiers: 0 };
    case 'enum':
      return { type: 'enum', modifiers: 0 };
    case 'field':
      return { type: 'property', modifiers: 0 };
    case 'enumMember':
      return { type: 'enumMember', modifiers: 0 };
    case 'let':
    case 'param':
    case 'table':
      return { type: 'variable', modifiers: readonly };
    case 'placeholder':
      return { type: 'variable', modifiers: readonly | (1 << tokenModifiers.indexOf('placeholder')) };
    case 'criterion':
    case 'item':
    case 'rule':
      return { type: 'function', modifiers: 0 };
    case 'variable':
      return { type: 'variable', modifiers: 0 };
  }
}

/** The semantic tokens of a file. */
export function semanticTokens(index: SymbolIndex, file: string, lines: PositionIndex): SemanticTokens {
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  let lastEnd = -1;
  for (const site of index.sites(file)) {
    const c = classify(site.definition);
    if (!c || site.span.start < lastEnd) continue;
    const start = lines.position(site.span.start);
    const end = lines.position(site.span.end);
    if (end.line !== start.line) continue; // tokens do not span lines
    data.push(start.line - prevLine, start.line === prevLine ? start.character - prevChar : start.character, end.character - start.character, tokenTypes.indexOf(c.type), c.modifiers | (site.declaration ? 1 : 0));
    prevLine = start.line;
    prevChar = start.character;
    lastEnd = site.span.end;
  }
  return { data };
}
