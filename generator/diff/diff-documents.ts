import { deref, escapePointerToken, isObject, pointer, type JsonObject } from '../analyze/schema-utils.js';
import { capitalize, diffSchemas, type Direction } from './schema-diff.js';
import { ChangeList, sortChanges, type Change, type OAuthView } from './types.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

interface Sides {
  oldRoot: JsonObject;
  newRoot: JsonObject;
}

const objectAt = (root: unknown, value: unknown, at: string): JsonObject | undefined => deref(root, value, at)?.value;
const members = (value: unknown): JsonObject => (isObject(value) ? value : {});

/**
 * Classifies every difference between two OpenAPI 3.0/3.1 documents, direction-aware: for requests (what the client
 * sends) and responses (what it receives), plus security, servers and — when given — the OAuth view of the analyzer.
 * `$ref`s are compared by what they resolve to, so moving a schema into components is not a change.
 * @returns Changes sorted breaking → warning → info, then by pointer.
 */
export function diffDocuments(oldDoc: unknown, newDoc: unknown, options: { oldOAuth?: OAuthView; newOAuth?: OAuthView } = {}): Change[] {
  const sides: Sides = { oldRoot: members(oldDoc), newRoot: members(newDoc) };
  const out = new ChangeList();
  diffPaths(sides, out);
  diffSecuritySchemes(sides, out);
  diffServers(sides, out);
  if (options.oldOAuth && options.newOAuth) diffOAuth(options.oldOAuth, options.newOAuth, out);
  return sortChanges(out.changes);
}

function diffPaths({ oldRoot, newRoot }: Sides, out: ChangeList): void {
  const oldPaths = members(oldRoot.paths);
  const newPaths = members(newRoot.paths);
  for (const [path, rawOld] of Object.entries(oldPaths)) {
    const at = pointer('paths', path);
    if (!(path in newPaths)) {
      out.add('path-removed', 'breaking', `Path ${path} was removed.`, { oldPointer: at });
      continue;
    }
    const oldItem = objectAt(oldRoot, rawOld, at) ?? {};
    const newItem = objectAt(newRoot, newPaths[path], at) ?? {};
    for (const method of METHODS) {
      const name = `${method.toUpperCase()} ${path}`;
      const oldOperation = members(oldItem[method]);
      const newOperation = members(newItem[method]);
      const hadIt = isObject(oldItem[method]);
      const hasIt = isObject(newItem[method]);
      if (hadIt && !hasIt) out.add('operation-removed', 'breaking', `Operation ${name} was removed.`, { oldPointer: `${at}/${method}` });
      else if (!hadIt && hasIt) out.add('operation-added', 'info', `Operation ${name} was added.`, { newPointer: `${at}/${method}` });
      else if (hadIt && hasIt) diffOperation({ oldRoot, newRoot }, name, `${at}/${method}`, oldOperation, newOperation, [oldItem.parameters, newItem.parameters], out);
    }
  }
  for (const path of Object.keys(newPaths)) if (!(path in oldPaths)) out.add('path-added', 'info', `Path ${path} was added.`, { newPointer: pointer('paths', path) });
}

function diffOperation(sides: Sides, name: string, at: string, oldOp: JsonObject, newOp: JsonObject, itemParameters: [unknown, unknown], out: ChangeList): void {
  diffParameters(sides, name, at, [itemParameters[0], oldOp.parameters], [itemParameters[1], newOp.parameters], out);
  diffRequestBody(sides, name, at, oldOp.requestBody, newOp.requestBody, out);
  diffResponses(sides, name, at, members(oldOp.responses), members(newOp.responses), out);
  const oldSecurity = JSON.stringify(oldOp.security ?? null);
  const newSecurity = JSON.stringify(newOp.security ?? null);
  if (oldSecurity !== newSecurity) out.add('operation-security-changed', 'warning', `The security requirements of ${name} changed.`, { oldPointer: `${at}/security`, newPointer: `${at}/security` });
}

type Parameter = { key: string; schema: JsonObject; pointer: string; required: boolean; name: string; where: string };

function parametersOf(root: unknown, lists: unknown[], at: string): Map<string, Parameter> {
  const found = new Map<string, Parameter>();
  lists.forEach((list, level) => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, index) => {
      const where = `${level === 0 ? at.replace(/\/[a-z]+$/, '') : at}/parameters/${index}`;
      const parameter = objectAt(root, raw, where);
      if (!parameter || typeof parameter.name !== 'string' || typeof parameter.in !== 'string') return;
      // Operation-level parameters override path-level ones with the same name and location.
      found.set(`${parameter.in}:${parameter.name}`, { key: `${parameter.in}:${parameter.name}`, schema: members(parameter.schema), pointer: where, required: parameter.required === true, name: parameter.name, where: parameter.in });
    });
  });
  return found;
}

function diffParameters(sides: Sides, name: string, at: string, oldLists: unknown[], newLists: unknown[], out: ChangeList): void {
  const oldParameters = parametersOf(sides.oldRoot, oldLists, at);
  const newParameters = parametersOf(sides.newRoot, newLists, at);
  for (const [key, oldParameter] of oldParameters) {
    const label = `${oldParameter.where} parameter \`${oldParameter.name}\` of ${name}`;
    const newParameter = newParameters.get(key);
    if (!newParameter) {
      out.add('request-parameter-removed', 'warning', `${capitalize(label)} was removed.`, { oldPointer: oldParameter.pointer });
      continue;
    }
    if (!oldParameter.required && newParameter.required) out.add('request-parameter-became-required', 'breaking', `${capitalize(label)} is now required.`, { oldPointer: oldParameter.pointer, newPointer: newParameter.pointer });
    diffSchemas(oldParameter.schema, newParameter.schema, { direction: 'request', ...roots(sides), oldPointer: `${oldParameter.pointer}/schema`, newPointer: `${newParameter.pointer}/schema`, label, seen: new Set(), depth: 0 }, out);
  }
  for (const [key, parameter] of newParameters) {
    if (oldParameters.has(key)) continue;
    const label = `${parameter.where} parameter \`${parameter.name}\` of ${name}`;
    if (parameter.required) out.add('request-parameter-added-required', 'breaking', `${capitalize(label)} was added as required.`, { newPointer: parameter.pointer });
    else out.add('request-parameter-added', 'info', `${capitalize(label)} was added as optional.`, { newPointer: parameter.pointer });
  }
}

const roots = (sides: Sides) => ({ oldRoot: sides.oldRoot, newRoot: sides.newRoot });

function diffRequestBody(sides: Sides, name: string, at: string, oldRaw: unknown, newRaw: unknown, out: ChangeList): void {
  const oldBody = objectAt(sides.oldRoot, oldRaw, `${at}/requestBody`);
  const newBody = objectAt(sides.newRoot, newRaw, `${at}/requestBody`);
  const bodyAt = `${at}/requestBody`;
  if (!oldBody && newBody) {
    out.add(newBody.required === true ? 'request-body-added-required' : 'request-body-added', newBody.required === true ? 'breaking' : 'info', `${name} now ${newBody.required === true ? 'requires' : 'accepts'} a request body.`, { newPointer: bodyAt });
    return;
  }
  if (oldBody && !newBody) {
    out.add('request-body-removed', 'warning', `${name} no longer takes a request body.`, { oldPointer: bodyAt });
    return;
  }
  if (!oldBody || !newBody) return;
  if (oldBody.required !== true && newBody.required === true) out.add('request-body-became-required', 'breaking', `The request body of ${name} is now required.`, { oldPointer: bodyAt, newPointer: bodyAt });
  diffContent(sides, 'request', name, bodyAt, members(oldBody.content), members(newBody.content), out);
}

function diffContent(sides: Sides, direction: Direction, name: string, at: string, oldContent: JsonObject, newContent: JsonObject, out: ChangeList, status?: string): void {
  const subject = direction === 'request' ? `the request body of ${name}` : `the ${status} response of ${name}`;
  for (const [type, oldMedia] of Object.entries(oldContent)) {
    const mediaAt = `${at}/content/${escapePointerToken(type)}`;
    const newMedia = newContent[type];
    if (newMedia === undefined) {
      out.add(`${direction}-content-type-removed`, 'breaking', `${capitalize(subject)} no longer ${direction === 'request' ? 'accepts' : 'comes as'} ${type}.`, { oldPointer: mediaAt });
      continue;
    }
    const label = direction === 'request' ? `the request body (${type}) of ${name}` : `the ${status} response body (${type}) of ${name}`;
    diffSchemas(members(oldMedia).schema, members(newMedia).schema, { direction, ...roots(sides), oldPointer: `${mediaAt}/schema`, newPointer: `${mediaAt}/schema`, label, seen: new Set(), depth: 0 }, out);
  }
  for (const type of Object.keys(newContent)) {
    if (!(type in oldContent)) out.add(`${direction}-content-type-added`, direction === 'request' ? 'info' : 'warning', `${capitalize(subject)} now also ${direction === 'request' ? 'accepts' : 'comes as'} ${type}.`, { newPointer: `${at}/content/${escapePointerToken(type)}` });
  }
}

function diffResponses(sides: Sides, name: string, at: string, oldResponses: JsonObject, newResponses: JsonObject, out: ChangeList): void {
  for (const [status, oldRaw] of Object.entries(oldResponses)) {
    const responseAt = `${at}/responses/${escapePointerToken(status)}`;
    if (!(status in newResponses)) {
      const success = /^2/.test(status);
      out.add('response-status-removed', success ? 'breaking' : 'warning', `${name} no longer documents the ${status} response.`, { oldPointer: responseAt });
      continue;
    }
    const oldResponse = objectAt(sides.oldRoot, oldRaw, responseAt) ?? {};
    const newResponse = objectAt(sides.newRoot, newResponses[status], responseAt) ?? {};
    diffContent(sides, 'response', name, responseAt, members(oldResponse.content), members(newResponse.content), out, status);
  }
  for (const status of Object.keys(newResponses)) {
    if (!(status in oldResponses)) out.add('response-status-added', 'info', `${name} now documents a ${status} response.`, { newPointer: `${at}/responses/${escapePointerToken(status)}` });
  }
}

function diffSecuritySchemes({ oldRoot, newRoot }: Sides, out: ChangeList): void {
  const oldSchemes = members(members(oldRoot.components).securitySchemes);
  const newSchemes = members(members(newRoot.components).securitySchemes);
  for (const [name, rawOld] of Object.entries(oldSchemes)) {
    const at = pointer('components', 'securitySchemes', name);
    if (!(name in newSchemes)) {
      out.add('security-scheme-removed', 'breaking', `Security scheme ${name} was removed.`, { oldPointer: at });
      continue;
    }
    const oldScheme = objectAt(oldRoot, rawOld, at) ?? {};
    const newScheme = objectAt(newRoot, newSchemes[name], at) ?? {};
    if (oldScheme.type !== newScheme.type || String(oldScheme.scheme ?? '').toLowerCase() !== String(newScheme.scheme ?? '').toLowerCase()) {
      out.add('security-scheme-type-changed', 'breaking', `Security scheme ${name} changed from ${String(oldScheme.type)} ${String(oldScheme.scheme ?? '')} to ${String(newScheme.type)} ${String(newScheme.scheme ?? '')}.`.replace(/ +\./, '.').replace(/  +/g, ' '), { oldPointer: at, newPointer: at });
      continue;
    }
    const oldFlows = members(oldScheme.flows);
    const newFlows = members(newScheme.flows);
    for (const [flow, rawFlow] of Object.entries(oldFlows)) {
      const flowAt = `${at}/flows/${escapePointerToken(flow)}`;
      const oldFlow = members(rawFlow);
      if (!(flow in newFlows)) {
        out.add('security-flow-removed', 'breaking', `The ${flow} flow of ${name} was removed.`, { oldPointer: flowAt });
        continue;
      }
      const newFlow = members(newFlows[flow]);
      for (const url of ['tokenUrl', 'authorizationUrl', 'refreshUrl']) {
        if (oldFlow[url] !== newFlow[url]) {
          out.add('security-flow-url-changed', 'breaking', `The ${url} of the ${flow} flow of ${name} changed from ${String(oldFlow[url] ?? 'none')} to ${String(newFlow[url] ?? 'none')}.`, { oldPointer: `${flowAt}/${url}`, newPointer: `${flowAt}/${url}` });
        }
      }
      const oldScopes = members(oldFlow.scopes);
      const newScopes = members(newFlow.scopes);
      for (const scope of Object.keys(oldScopes)) if (!(scope in newScopes)) out.add('security-scope-removed', 'breaking', `Scope ${scope} was removed from the ${flow} flow of ${name}.`, { oldPointer: `${flowAt}/scopes/${escapePointerToken(scope)}` });
      for (const scope of Object.keys(newScopes)) if (!(scope in oldScopes)) out.add('security-scope-added', 'info', `Scope ${scope} was added to the ${flow} flow of ${name}.`, { newPointer: `${flowAt}/scopes/${escapePointerToken(scope)}` });
    }
    for (const flow of Object.keys(newFlows)) if (!(flow in oldFlows)) out.add('security-flow-added', 'info', `A ${flow} flow was added to ${name}.`, { newPointer: `${at}/flows/${escapePointerToken(flow)}` });
  }
  for (const name of Object.keys(newSchemes)) if (!(name in oldSchemes)) out.add('security-scheme-added', 'info', `Security scheme ${name} was added.`, { newPointer: pointer('components', 'securitySchemes', name) });
}

function diffServers({ oldRoot, newRoot }: Sides, out: ChangeList): void {
  const urls = (root: JsonObject) => (Array.isArray(root.servers) ? root.servers.map((server) => String(members(server).url ?? '')) : []);
  const oldUrls = urls(oldRoot);
  const newUrls = urls(newRoot);
  // The generated client bakes in the first server as its default base URL.
  if (oldUrls[0] !== undefined && oldUrls[0] !== newUrls[0]) {
    out.add('server-url-changed', 'warning', `The default server changed from ${oldUrls[0]} to ${newUrls[0] ?? 'none'}; clients using the default base URL will call the new one.`, { oldPointer: '/servers/0/url', ...(newUrls[0] !== undefined ? { newPointer: '/servers/0/url' } : {}) });
  }
  oldUrls.slice(1).forEach((url, index) => {
    if (!newUrls.includes(url)) out.add('server-removed', 'warning', `Server ${url} was removed.`, { oldPointer: `/servers/${index + 1}` });
  });
  newUrls.forEach((url, index) => {
    if (!oldUrls.includes(url) && index > 0) out.add('server-added', 'info', `Server ${url} was added.`, { newPointer: `/servers/${index}` });
  });
}

/** The analyzer's view: grants removed or added, grant fields newly required or removed. */
function diffOAuth(oldView: OAuthView, newView: OAuthView, out: ChangeList): void {
  const single = oldView.tokenEndpoints.length === 1 && newView.tokenEndpoints.length === 1;
  for (const oldEndpoint of oldView.tokenEndpoints) {
    // A moved token endpoint is the same endpoint when each document has only one (the path rules report the move).
    const newEndpoint = newView.tokenEndpoints.find((e) => e.path === oldEndpoint.path && e.method === oldEndpoint.method) ?? (single ? newView.tokenEndpoints[0] : undefined);
    if (!newEndpoint) continue;
    const at = pointer('paths', newEndpoint.path, newEndpoint.method.toLowerCase());
    const name = `${newEndpoint.method} ${newEndpoint.path}`;
    for (const oldGrant of oldEndpoint.grants) {
      const newGrant = newEndpoint.grants.find((grant) => grant.grantType === oldGrant.grantType);
      if (!newGrant) {
        out.add('oauth-grant-removed', 'breaking', `The ${oldGrant.grantType} grant of ${name} is gone; its helper will no longer be generated.`, { oldPointer: pointer('paths', oldEndpoint.path, oldEndpoint.method.toLowerCase()) });
        continue;
      }
      const oldFields = new Set([...oldGrant.requiredFields, ...oldGrant.optionalFields]);
      const newFields = new Set([...newGrant.requiredFields, ...newGrant.optionalFields]);
      for (const field of newGrant.requiredFields) {
        if (!oldGrant.requiredFields.includes(field)) out.add('oauth-grant-required-field-added', 'breaking', `The ${newGrant.grantType} grant of ${name} now requires \`${field}\`.`, { newPointer: at });
      }
      for (const field of newGrant.optionalFields) if (!oldFields.has(field)) out.add('oauth-grant-field-added', 'info', `The ${newGrant.grantType} grant of ${name} can now send \`${field}\`.`, { newPointer: at });
      for (const field of oldFields) {
        if (newFields.has(field)) continue;
        const wasRequired = oldGrant.requiredFields.includes(field);
        out.add('oauth-grant-field-removed', wasRequired ? 'breaking' : 'warning', `The ${oldGrant.grantType} grant of ${name} no longer sends \`${field}\`.`, { oldPointer: at });
      }
    }
    for (const newGrant of newEndpoint.grants) {
      if (!oldEndpoint.grants.some((grant) => grant.grantType === newGrant.grantType)) out.add('oauth-grant-added', 'info', `A ${newGrant.grantType} grant was added to ${name}.`, { newPointer: at });
    }
  }
}

export type { Change };
