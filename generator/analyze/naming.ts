/** Turning document names into TypeScript identifiers: deterministic, collision-free, never a reserved word. */

const RESERVED = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for ' +
    'function if import in instanceof new null return super switch this throw true try typeof var void while with ' +
    'implements interface let package private protected public static yield await async of any boolean number ' +
    'string symbol type undefined never unknown object constructor prototype __proto__ arguments eval'
  ).split(' '),
);

/** Splits a name into words at separators, case changes and digit boundaries. Non-ASCII letters are kept. */
export function words(name: string): string[] {
  return name
    .replace(/([\p{Ll}\d])(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/** `client_credentials` → `clientCredentials`. */
export function camelCase(name: string): string {
  const parts = words(name);
  return parts.map((word, index) => (index === 0 ? word.toLowerCase() : capitalize(word.toLowerCase()))).join('');
}

/** `client_credentials` → `ClientCredentials`. */
export function pascalCase(name: string): string {
  return words(name)
    .map((word) => capitalize(word.toLowerCase()))
    .join('');
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

/** Makes `candidate` a safe identifier: a prefix when it is empty, starts with a digit, or is reserved. */
export function safeIdentifier(candidate: string, fallback: string): string {
  let name = candidate.replace(/[^\p{L}\p{N}_$]/gu, '');
  if (name === '') name = fallback;
  if (/^\p{N}/u.test(name)) name = `${fallback}${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  if (RESERVED.has(name)) name = `${name}${fallback.charAt(0).toUpperCase()}${fallback.slice(1)}`;
  return name;
}

/** The last segment of a grant identifier: `urn:ietf:params:oauth:grant-type:device_code` → `device_code`. */
export function lastSegment(grantType: string): string {
  const segments = grantType.split(/[:/#]/).filter(Boolean);
  return segments[segments.length - 1] ?? grantType;
}

/**
 * Gives each name a unique spelling: the first keeps it, later ones get `2`, `3`, … in input order, skipping any
 * spelling already taken (including `taken`, names reserved by the surrounding code, and those `reserved` refuses).
 */
export function dedupe(
  names: readonly string[],
  taken: Iterable<string> = [],
  reserved: (name: string) => boolean = () => false,
): string[] {
  const used = new Set(taken);
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; used.has(candidate) || reserved(candidate); n += 1) candidate = `${name}${n}`;
    used.add(candidate);
    return candidate;
  });
}
