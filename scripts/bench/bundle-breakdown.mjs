// Where the bytes of a minified esbuild bundle come from, finer than the metafile's per-file figures: every byte of
// the output is attributed, through the bundle's source map, to the top-level declaration of the source file it was
// generated from (the last `function`/`const`/`class`/… starting at column 0 at or above the mapped line).
// Bytes esbuild adds itself (module glue, separators) and that map to no source are counted as `(esbuild)`.

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = Object.fromEntries([...BASE64].map((c, i) => [c, i]));

/** Decodes one source-map segment (base64 VLQ) into its numbers. */
function decodeSegment(segment) {
  const values = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT[char];
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
    } else {
      values.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return values;
}

/** For each line of a source, the name of the top-level declaration it belongs to. */
function declarationsByLine(content) {
  const names = [];
  let current = '(imports, comments)';
  for (const line of content.split('\n')) {
    const match =
      /^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?(function\*?|const|let|var|class|enum|type|interface)\s+([\w$]+)/.exec(
        line,
      );
    if (match) current = `${match[2]}`;
    names.push(current);
  }
  return names;
}

/**
 * @param {string} code the bundle (one output file)
 * @param {{ sources: string[], sourcesContent: string[], mappings: string }} map its source map
 * @returns {Array<{ source: string, declaration: string, bytes: number }>} largest first
 */
export function attributeBytes(code, map) {
  const byLine = map.sourcesContent.map((content) => declarationsByLine(content ?? ''));
  const totals = new Map();
  const add = (key, bytes) => totals.set(key, (totals.get(key) ?? 0) + bytes);
  const lines = code.split('\n');
  const mappingLines = map.mappings.split(';');
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (let l = 0; l < lines.length; l += 1) {
    const text = lines[l];
    const lineBytes = (from, to) => Buffer.byteLength(text.slice(from, to));
    let column = 0;
    const segments = [];
    for (const raw of (mappingLines[l] ?? '').split(',')) {
      if (raw === '') continue;
      const [dc, ds, dl, dcol] = decodeSegment(raw);
      column += dc;
      if (ds !== undefined) {
        source += ds;
        sourceLine += dl;
        sourceColumn += dcol;
        segments.push({ column, key: `${map.sources[source]}\u0000${byLine[source]?.[sourceLine] ?? '?'}` });
      } else {
        segments.push({ column, key: '(esbuild)\u0000' });
      }
    }
    if (segments.length === 0) {
      add('(esbuild)\u0000', lineBytes(0) + 1);
      continue;
    }
    add('(esbuild)\u0000', lineBytes(0, segments[0].column) + 1); // + the newline
    segments.forEach((segment, i) =>
      add(segment.key, lineBytes(segment.column, segments[i + 1]?.column ?? text.length)),
    );
  }
  return [...totals]
    .map(([key, bytes]) => {
      const [source, declaration] = key.split('\u0000');
      return { source, declaration, bytes };
    })
    .filter((entry) => entry.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
}
