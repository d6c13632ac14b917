/**
 * The operations of a document, for the generic functions of operations.ts: parameters with their serialization
 * (style/explode as OpenAPI 3.1.1 §4.8.12.4 defines them), the body the function sends, the responses, whether a
 * bearer token goes with the request, and collision-free names.
 *
 * The token endpoint served by the token client gets no generic function. Its per-grant helpers already send
 * that request, with client authentication, secret redaction, response validation and grant-aware retries; a
 * second, untyped-by-grant `requestAccessToken(config, { body })` beside them would bypass all of that and leave
 * users wondering which of the two to call. So the WealthCare document, whose only operation is
 * POST /connect/token, gets no operations.ts at all. Other token endpoints of a document (only the first gets
 * the token client) are ordinary operations.
 */
import { mockAnswerOf } from './samples.js';
import type {
  BodyKind,
  EncodingIR,
  OperationIR,
  ParameterIR,
  ParameterLocation,
  ParameterStyle,
  RequestBodyIR,
  ResponseIR,
  TokenEndpointIR,
} from './ir.js';
import { OPERATION_TYPE_SUFFIXES, isReservedName, mockName, testKitExportNames } from '../exports.js';
import { camelCase, safeIdentifier, words } from './naming.js';
import { requirementsOf, securitySchemesOf } from './security.js';
import { HTTP_METHODS, type HttpMethod } from '../shared/http.js';
import { isObject, type JsonObject } from '../shared/json.js';
import { deref, escapeToken, pointer } from '../shared/json-pointer.js';

const LOCATIONS: readonly ParameterLocation[] = ['path', 'query', 'header', 'cookie'];
const STYLES: Record<ParameterLocation, readonly ParameterStyle[]> = {
  path: ['simple', 'label', 'matrix'],
  query: ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'],
  header: ['simple'],
  cookie: ['form'],
};
const FORM_STYLES: readonly ParameterStyle[] = ['form', 'spaceDelimited', 'pipeDelimited', 'deepObject'];
/** Header parameters OpenAPI says are ignored: fetch and the generated code set these. */
const IGNORED_HEADERS = new Set(['accept', 'content-type', 'authorization']);
const IDENTIFIER = /^[\p{ID_Start}$_][\p{ID_Continue}$\u200C\u200D]*$/u;

/**
 * All operations of the document except `exclude` (the token client's endpoint), with decided names.
 * @param taken Names the operations must not use, besides the output's exports and the globals its code refers to
 *   ({@link isReservedName}).
 */
export function operationsOf(
  root: JsonObject,
  exclude: TokenEndpointIR | undefined,
  taken: Iterable<string> = [],
  warnings: string[] = [],
): OperationIR[] {
  const paths = isObject(root.paths) ? root.paths : {};
  // OpenAPI 3.1 applies an Encoding Object's style/explode/allowReserved to multipart bodies too; 3.0 ignores them.
  const multipartStyles = typeof root.openapi === 'string' && root.openapi.startsWith('3.1');
  const found: Array<Omit<OperationIR, 'functionName' | 'typeName'> & { candidate: string; exact: boolean }> = [];
  for (const [path, rawItem] of Object.entries(paths)) {
    const item = deref(root, rawItem, pointer('paths', path))?.value;
    if (!item) continue;
    for (const method of HTTP_METHODS) {
      const operation = item[method];
      if (!isObject(operation)) continue;
      const at = pointer('paths', path, method);
      if (exclude && exclude.pointer === at) continue;
      const operationId =
        typeof operation.operationId === 'string' && operation.operationId.trim() !== ''
          ? operation.operationId
          : undefined;
      const candidate =
        operationId !== undefined ? identifierFrom(operationId) : identifierFrom(nameFromRoute(method, path));
      const parameters = parametersOf(root, item, operation, at);
      const requestBody = sendableBody(
        method,
        at,
        requestBodyOf(root, operation.requestBody, at, multipartStyles),
        warnings,
      );
      if (method === 'trace')
        warnings.push(`${at}: fetch refuses the TRACE method, so its function always fails unsent`);
      const { bearer, bearerSchemes } = bearerOf(root, operation);
      found.push({
        pointer: at,
        method,
        path,
        ...(operationId !== undefined ? { operationId } : {}),
        ...(typeof operation.summary === 'string' && operation.summary.trim() !== ''
          ? { summary: operation.summary }
          : {}),
        ...(typeof operation.description === 'string' && operation.description.trim() !== ''
          ? { description: operation.description }
          : {}),
        deprecated: operation.deprecated === true,
        parameters,
        ...(requestBody ? { requestBody } : {}),
        responses: responsesOf(root, operation.responses, at),
        mockAnswer: mockAnswerOf(root, operation.responses, at),
        bearer,
        bearerSchemes,
        candidate,
        exact: operationId !== undefined && operationId === candidate,
      });
    }
  }
  const names = assignNames(found, new Set(taken));
  return found.map(({ candidate: _candidate, exact: _exact, ...operation }, index) => ({
    ...operation,
    ...names[index]!,
  }));
}

/**
 * Unique function and type names. Operations whose operationId already is the identifier (`getUser`) claim it
 * first; the others follow in document order, each taking the first free of `name`, `name2`, `name3`, … The
 * types use the function name with a capital: `GetUserRequest`, `GetUserResponse`, `GetUserError`. A name is not
 * free when the output exports it or its code refers to a global of that name (`fetch` becomes `fetch2`), or when
 * its mock would be named like an export of the test kit (`operation`, whose mock would be `mockOperation`).
 */
function assignNames(
  found: ReadonlyArray<{ candidate: string; exact: boolean }>,
  reserved: ReadonlySet<string>,
): Array<{ functionName: string; typeName: string }> {
  const used = new Set(reserved);
  const kit = new Set(testKitExportNames());
  const result: Array<{ functionName: string; typeName: string }> = new Array(found.length);
  const order = [...found.keys()].sort((a, b) => Number(found[b]!.exact) - Number(found[a]!.exact) || a - b);
  const typeNamesOf = (base: string) => OPERATION_TYPE_SUFFIXES.map((suffix) => `${base}${suffix}`);
  for (const index of order) {
    const { candidate } = found[index]!;
    for (let n = 1; ; n += 1) {
      const functionName = n === 1 ? candidate : `${candidate}${n}`;
      const typeName = functionName.charAt(0).toUpperCase() + functionName.slice(1);
      const types = typeNamesOf(typeName);
      const taken = (name: string): boolean => used.has(name) || isReservedName(name);
      if (taken(functionName) || types.some(taken) || kit.has(mockName(functionName))) continue;
      used.add(functionName);
      for (const name of types) used.add(name);
      result[index] = { functionName, typeName };
      break;
    }
  }
  return result;
}

/** `GET /users/{id}/keys` → `get users by id keys`: words for an operation without operationId. */
export function nameFromRoute(method: string, path: string): string {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/\{([^}]*)\}/g, ' by $1 '));
  return [method, ...segments].join(' ');
}

/**
 * A camelCase identifier from any text: accents are folded (`créer` → `creer`), compatibility characters
 * normalised (`²` → `2`), other letters of any script kept; reserved words, leading digits and empty results
 * are resolved by {@link safeIdentifier}.
 */
export function identifierFrom(text: string): string {
  const folded = text.normalize('NFKD').replace(/\p{M}/gu, '');
  const camel = camelCase(words(folded).join(' ')).replace(/[^\p{ID_Continue}$]/gu, '');
  const name = safeIdentifier(camel, 'operation');
  return IDENTIFIER.test(name)
    ? name
    : safeIdentifier(`operation${name.replace(/[^\p{ID_Continue}]/gu, '')}`, 'operation');
}

function parametersOf(root: JsonObject, item: JsonObject, operation: JsonObject, at: string): ParameterIR[] {
  const merged = new Map<string, ParameterIR>();
  const add = (list: unknown, where: string): void => {
    if (!Array.isArray(list)) return;
    list.forEach((raw, index) => {
      const parameter = parameterOf(root, raw, `${where}/parameters/${index}`);
      if (!parameter) return;
      const key = `${parameter.in}:${parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name}`;
      merged.set(key, parameter);
    });
  };
  add(item.parameters, at.replace(/\/[^/]+$/, ''));
  add(operation.parameters, at);
  return [...merged.values()];
}

function parameterOf(root: JsonObject, raw: unknown, at: string): ParameterIR | undefined {
  const parameter = deref(root, raw, at)?.value;
  if (!parameter || typeof parameter.name !== 'string') return undefined;
  const location = LOCATIONS.find((candidate) => candidate === parameter.in);
  if (!location) return undefined;
  if (location === 'header' && IGNORED_HEADERS.has(parameter.name.toLowerCase())) return undefined;
  const style = STYLES[location].find((candidate) => candidate === parameter.style) ?? STYLES[location][0]!;
  const contentType = isObject(parameter.content) ? Object.keys(parameter.content)[0] : undefined;
  return {
    name: parameter.name,
    in: location,
    required: location === 'path' || parameter.required === true,
    style,
    explode: typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form',
    allowReserved: location === 'query' && parameter.allowReserved === true,
    ...(contentType !== undefined ? { contentType } : {}),
    ...(typeof parameter.description === 'string' && parameter.description.trim() !== ''
      ? { description: parameter.description }
      : {}),
    deprecated: parameter.deprecated === true,
  };
}

/** How a media type is read or written: JSON, form, multipart, text, a byte stream of server-sent events, or bytes. */
export function mediaKind(contentType: string): BodyKind | 'event-stream' {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'text/event-stream') return 'event-stream';
  if (/(^|\/|\+)json$/.test(type) || /\/json-/.test(type)) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (type === 'multipart/form-data') return 'multipart';
  if (type.startsWith('text/') || /(^|\/|\+)xml$/.test(type) || type === 'application/javascript') return 'text';
  return 'binary';
}

/**
 * GET and HEAD bodies: OpenAPI 3.1 allows them, but fetch refuses to send one (in every runtime and browser), so
 * the function gets no `body` and the generation warns, naming the operation. An argument the fetch of every
 * platform rejects would only fail at run time.
 */
function sendableBody(
  method: HttpMethod,
  at: string,
  body: RequestBodyIR | undefined,
  warnings: string[],
): RequestBodyIR | undefined {
  if (!body || (method !== 'get' && method !== 'head')) return body;
  warnings.push(
    `${at}: the request body is left out of the generated function: fetch cannot send a body with ${method.toUpperCase()}`,
  );
  return undefined;
}

function requestBodyOf(
  root: JsonObject,
  raw: unknown,
  at: string,
  multipartStyles: boolean,
): RequestBodyIR | undefined {
  const body = deref(root, raw, `${at}/requestBody`)?.value;
  if (!body || !isObject(body.content)) return undefined;
  const contentTypes = Object.keys(body.content);
  if (contentTypes.length === 0) return undefined;
  const kinds = contentTypes.map((type) => ({ type, kind: mediaKind(type) }));
  const preference: Array<BodyKind | 'event-stream'> = ['json', 'form', 'multipart'];
  const chosen = preference.map((kind) => kinds.find((entry) => entry.kind === kind)).find(Boolean) ?? kinds[0]!;
  const kind: BodyKind = chosen.kind === 'event-stream' ? 'binary' : chosen.kind;
  const media = body.content[chosen.type];
  return {
    required: body.required === true,
    contentType: chosen.type,
    kind,
    contentTypes,
    encoding:
      kind === 'form' || kind === 'multipart'
        ? encodingOf(isObject(media) ? media.encoding : undefined, kind === 'form' || multipartStyles)
        : [],
  };
}

/** Encoding Objects; `withStyles` false (multipart of OpenAPI 3.0) drops style, explode and allowReserved. */
function encodingOf(raw: unknown, withStyles: boolean): EncodingIR[] {
  if (!isObject(raw)) return [];
  return Object.entries(raw).flatMap(([property, value]): EncodingIR[] => {
    if (!isObject(value)) return [];
    const style = withStyles ? FORM_STYLES.find((candidate) => candidate === value.style) : undefined;
    return [
      {
        property,
        ...(typeof value.contentType === 'string' ? { contentType: value.contentType } : {}),
        ...(style ? { style } : {}),
        ...(withStyles && typeof value.explode === 'boolean' ? { explode: value.explode } : {}),
        ...(withStyles && typeof value.allowReserved === 'boolean' ? { allowReserved: value.allowReserved } : {}),
      },
    ];
  });
}

function responsesOf(root: JsonObject, raw: unknown, at: string): ResponseIR[] {
  if (!isObject(raw)) return [];
  const statuses = Object.keys(raw).filter((status) => /^([1-5](\d\d|XX)|default)$/i.test(status));
  const hasSuccess = statuses.some((status) => /^2/.test(status));
  return statuses.map((status) => {
    const response = deref(root, raw[status], `${at}/responses/${escapeToken(status)}`)?.value ?? {};
    const content = isObject(response.content) ? Object.keys(response.content) : [];
    return {
      status,
      success: /^2/.test(status) || (!hasSuccess && status === 'default'),
      ...(typeof response.description === 'string' && response.description.trim() !== ''
        ? { description: response.description }
        : {}),
      content: content.map((contentType) => ({ contentType, kind: mediaKind(contentType) })),
    };
  });
}

/** Whether the security requirements in force ask for a bearer token (see {@link OperationIR.bearer}). */
function bearerOf(root: JsonObject, operation: JsonObject): Pick<OperationIR, 'bearer' | 'bearerSchemes'> {
  const requirements = requirementsOf(root, operation);
  const schemes = securitySchemesOf(root);
  const isBearer = (name: string): boolean => {
    const scheme = deref(root, schemes[name], pointer('components', 'securitySchemes', name))?.value;
    if (!scheme) return false;
    if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return true;
    return scheme.type === 'http' && typeof scheme.scheme === 'string' && scheme.scheme.toLowerCase() === 'bearer';
  };
  const bearerSchemes = new Set<string>();
  let withBearer = 0;
  for (const requirement of requirements) {
    const names = Object.keys(requirement).filter(isBearer);
    names.forEach((name) => bearerSchemes.add(name));
    if (names.length > 0) withBearer += 1;
  }
  const total = requirements.length;
  const bearer = withBearer === 0 ? 'none' : withBearer === total ? 'required' : 'optional';
  return { bearer, bearerSchemes: [...bearerSchemes] };
}
