/**
 * Just enough Markdown for the docs tests: fenced code blocks with the HTML
 * comment markers written right above them, and headings outside code.
 *
 * A marker is a line `<!-- name: value -->` directly above a fence (blank
 * lines may come between). Markers are invisible when the page is rendered,
 * so they can carry what a test needs without cluttering the page.
 */

/** A fenced code block. */
export interface CodeBlock {
  /** The info string after the opening fence (`sh`, `text`, `bylaw`, …), trimmed. */
  readonly info: string;
  /** The lines between the fences, joined with `\n`, with a final `\n` (empty block: ''). */
  readonly content: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The markers above it, in order, as `{ name, value }`. */
  readonly markers: readonly Marker[];
  /** Whether only blank lines separate this block from the previous block's closing fence. */
  readonly adjacentToPrevious: boolean;
}

export interface Marker {
  readonly name: string;
  readonly value: string;
}

/** A `#`-heading outside code blocks. */
export interface Heading {
  readonly level: number;
  readonly text: string;
  readonly line: number;
}

const markerLine = /^<!--\s*([a-z-]+)(?::\s*(.*?))?\s*-->$/;

/** Parse a page into its code blocks and headings. */
export function scan(markdown: string): { blocks: CodeBlock[]; headings: Heading[] } {
  const lines = markdown.replace(/\r\n/g, '\n').split('\n');
  const blocks: CodeBlock[] = [];
  const headings: Heading[] = [];
  let lastClose = -2; // index of the previous closing fence
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const open = /^(`{3,}|~{3,})(.*)$/.exec(line);
    if (!open) {
      const h = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
      if (h) headings.push({ level: h[1]!.length, text: h[2]!, line: i + 1 });
      continue;
    }
    const fence = open[1]!;
    const body: string[] = [];
    let j = i + 1;
    // A closing fence is the same character, at least as long, and nothing else.
    const closes = (l: string) => {
      const c = /^(`{3,}|~{3,})\s*$/.exec(l);
      return c !== null && c[1]![0] === fence[0] && c[1]!.length >= fence.length;
    };
    while (j < lines.length && !closes(lines[j]!)) {
      body.push(lines[j]!);
      j++;
    }
    if (j >= lines.length) throw new Error(`line ${i + 1}: code block is not closed`);
    const markers: Marker[] = [];
    for (let k = i - 1; k >= 0; k--) {
      const above = lines[k]!.trim();
      if (above === '') continue;
      const m = markerLine.exec(above);
      if (!m) break;
      markers.unshift({ name: m[1]!, value: (m[2] ?? '').trim() });
    }
    const between = lines.slice(lastClose + 1, i);
    blocks.push({
      info: open[2]!.trim(),
      content: body.length ? body.join('\n') + '\n' : '',
      line: i + 1,
      markers,
      adjacentToPrevious: lastClose >= 0 && between.every((l) => l.trim() === ''),
    });
    lastClose = j;
    i = j;
  }
  return { blocks, headings };
}

/** The value of the marker `name` on a block, or undefined. */
export function marker(block: CodeBlock, name: string): string | undefined {
  return block.markers.find((m) => m.name === name)?.value;
}
