/**
 * Whether an input names an http(s) URL rather than a file: the one test every stage uses, so that the loader, the
 * no-op path, the config and `init` never disagree about what is a file (a file named `http.yaml` is a file).
 */
export function isUrl(input: string): boolean {
  return /^https?:\/\//i.test(input);
}
