/**
 * Turns a scenario step into plain JSON in the runtime that ran it: its value, or the error it threw described by
 * what a caller can test (`instanceof` the given classes, public fields, whether a secret leaked into it).
 * Web APIs only: scenario modules import it in every runtime.
 */

/** What a scenario step produced. */
export type Settled =
  | { ok: true; value: unknown }
  | {
      ok: false;
      name: string;
      message: string;
      /** Names of the classes in `classes` the error is an instance of, checked in the runtime itself. */
      classes: string[];
      /** The error's public fields that are set. */
      fields: Record<string, unknown>;
      /** Whether any of `secrets` appears in the error's message, fields, JSON or stack. */
      leaksSecret: boolean;
    };

const FIELDS = ['error', 'errorDescription', 'status', 'timeoutMs', 'wwwAuthenticate', 'mayHaveReachedServer'];

export async function settle(
  action: () => Promise<unknown>,
  {
    classes,
    secrets,
  }: { classes: Record<string, abstract new (...args: never[]) => unknown>; secrets: readonly string[] },
): Promise<Settled> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    const e = error as Error & Record<string, unknown>;
    const fields: Record<string, unknown> = {};
    for (const key of FIELDS) if (e[key] !== undefined) fields[key] = e[key];
    const text = `${e.message} ${JSON.stringify(fields)} ${JSON.stringify(e)} ${String(e.stack)}`;
    return {
      ok: false,
      name: e.name,
      message: e.message,
      classes: Object.keys(classes).filter((name) => error instanceof classes[name]!),
      fields,
      leaksSecret: secrets.some((secret) => text.includes(secret)),
    };
  }
}
