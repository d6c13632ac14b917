import { child, hasOwn, isObject, members, own, pointer, resolve, type JsonObject } from '../resolve.js';
import type { DocumentPair, OperationPair } from './context.js';

const FLOW_URLS = ['tokenUrl', 'authorizationUrl', 'refreshUrl'] as const;

/**
 * Security schemes: a scheme removed, its type (or HTTP scheme, or API key name/location) changed, an oauth2 flow
 * removed, a flow URL changed or removed, or a scope removed is breaking — the generated client authenticates the
 * old way. Additions (scheme, flow, scope, a URL where there was none) are info.
 */
export function diffSecuritySchemes(docs: DocumentPair): void {
  const { oldRoot, newRoot, out } = docs;
  const oldSchemes = members(members(oldRoot.components).securitySchemes);
  const newSchemes = members(members(newRoot.components).securitySchemes);
  for (const [name, rawOld] of Object.entries(oldSchemes)) {
    const at = pointer('components', 'securitySchemes', name);
    if (!hasOwn(newSchemes, name)) {
      out.add('security-scheme-removed', `Security scheme ${name} was removed.`, { oldPointer: at });
      continue;
    }
    const oldScheme = resolve(oldRoot, rawOld) ?? {};
    const newScheme = resolve(newRoot, own(newSchemes, name)) ?? {};
    const kind = (scheme: JsonObject) =>
      [scheme.type, typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : undefined]
        .filter((part) => typeof part === 'string')
        .join(' ');
    if (kind(oldScheme) !== kind(newScheme)) {
      out.add(
        'security-scheme-type-changed',
        `Security scheme ${name} changed from ${kind(oldScheme) || 'none'} to ${kind(newScheme) || 'none'}.`,
        { oldPointer: at, newPointer: at },
      );
      continue;
    }
    if (oldScheme.type === 'apiKey' && (oldScheme.in !== newScheme.in || oldScheme.name !== newScheme.name)) {
      out.add(
        'security-api-key-changed',
        `API key ${name} moved from ${String(oldScheme.in)} ${String(oldScheme.name)} to ${String(newScheme.in)} ${String(newScheme.name)}.`,
        { oldPointer: at, newPointer: at },
      );
    }
    if (oldScheme.type === 'openIdConnect' && oldScheme.openIdConnectUrl !== newScheme.openIdConnectUrl) {
      out.add(
        'security-openid-url-changed',
        `The openIdConnectUrl of ${name} changed from ${String(oldScheme.openIdConnectUrl)} to ${String(newScheme.openIdConnectUrl)}.`,
        { oldPointer: child(at, 'openIdConnectUrl'), newPointer: child(at, 'openIdConnectUrl') },
      );
    }
    diffFlows(docs, name, at, members(oldScheme.flows), members(newScheme.flows));
  }
  for (const name of Object.keys(newSchemes)) {
    if (!hasOwn(oldSchemes, name))
      out.add('security-scheme-added', `Security scheme ${name} was added.`, {
        newPointer: pointer('components', 'securitySchemes', name),
      });
  }
}

function diffFlows(docs: DocumentPair, name: string, at: string, oldFlows: JsonObject, newFlows: JsonObject): void {
  const { out } = docs;
  for (const [flow, rawFlow] of Object.entries(oldFlows)) {
    const flowAt = child(at, 'flows', flow);
    if (!hasOwn(newFlows, flow)) {
      out.add('security-flow-removed', `The ${flow} flow of ${name} was removed.`, { oldPointer: flowAt });
      continue;
    }
    const oldFlow = members(rawFlow);
    const newFlow = members(own(newFlows, flow));
    for (const url of FLOW_URLS) {
      const before = oldFlow[url];
      const after = newFlow[url];
      if (before === after) continue;
      const urlAt = child(flowAt, url);
      if (before === undefined)
        out.add('security-flow-url-added', `The ${flow} flow of ${name} now has a ${url} (${String(after)}).`, {
          newPointer: urlAt,
        });
      else
        out.add(
          'security-flow-url-changed',
          `The ${url} of the ${flow} flow of ${name} changed from ${String(before)} to ${String(after ?? 'none')}.`,
          { oldPointer: urlAt, ...(after !== undefined ? { newPointer: urlAt } : {}) },
        );
    }
    const oldScopes = members(oldFlow.scopes);
    const newScopes = members(newFlow.scopes);
    for (const scope of Object.keys(oldScopes)) {
      if (!hasOwn(newScopes, scope))
        out.add('security-scope-removed', `Scope ${scope} was removed from the ${flow} flow of ${name}.`, {
          oldPointer: child(flowAt, 'scopes', scope),
        });
    }
    for (const scope of Object.keys(newScopes)) {
      if (!hasOwn(oldScopes, scope))
        out.add('security-scope-added', `Scope ${scope} was added to the ${flow} flow of ${name}.`, {
          newPointer: child(flowAt, 'scopes', scope),
        });
    }
  }
  for (const flow of Object.keys(newFlows)) {
    if (!hasOwn(oldFlows, flow))
      out.add('security-flow-added', `A ${flow} flow was added to ${name}.`, {
        newPointer: child(at, 'flows', flow),
      });
  }
}

/** The security requirements in force for an operation: its own, else the document's; and where they are written. */
function effectiveSecurity(
  root: JsonObject,
  operation: JsonObject,
  operationAt: string,
): { requirements: string; at: string } | undefined {
  const [list, at] = hasOwn(operation, 'security')
    ? [operation.security, `${operationAt}/security`]
    : [root.security, '/security'];
  if (!Array.isArray(list)) return undefined;
  // Order of alternatives, of schemes in one requirement and of scopes does not matter.
  const normalized = list
    .filter(isObject)
    .map((requirement) =>
      JSON.stringify(
        Object.keys(requirement)
          .sort()
          .map((scheme) => [
            scheme,
            Array.isArray(requirement[scheme]) ? [...(requirement[scheme] as unknown[])].map(String).sort() : [],
          ]),
      ),
    )
    .sort();
  const alternatives = [...new Set(normalized)];
  // `[{}]` (anonymous access only) requires nothing, like no requirement at all.
  return {
    requirements: JSON.stringify(alternatives.length === 1 && alternatives[0] === '[]' ? [] : alternatives),
    at,
  };
}

/**
 * The security requirements in force for an operation (its own, else the document's) changed: a warning — the
 * generated client may attach the wrong credentials, but whether that breaks depends on which alternative it uses.
 */
export function diffOperationSecurity(docs: DocumentPair, op: OperationPair): void {
  const before = effectiveSecurity(docs.oldRoot, op.oldOperation, op.oldAt);
  const after = effectiveSecurity(docs.newRoot, op.newOperation, op.newAt);
  if ((before?.requirements ?? '[]') === (after?.requirements ?? '[]')) return;
  docs.out.add('operation-security-changed', `The security requirements of ${op.name} changed.`, {
    oldPointer: before?.at ?? `${op.oldAt}/security`,
    newPointer: after?.at ?? `${op.newAt}/security`,
  });
}
