import { InputError, locate } from '../errors.js';
import { GRANT_PARAMS_SUFFIX, isReservedName } from '../exports.js';
import { fieldsOf } from './fields.js';
import type { FieldIR, GrantFieldIR, GrantIR, GrantSource } from './ir.js';
import { camelCase, dedupe, lastSegment, pascalCase, safeIdentifier, words } from './naming.js';
import {
  CLIENT_AUTH_FIELDS,
  GRANT_SPECIFIC_FIELDS,
  REGISTERED_GRANTS,
  SECRET_FIELDS,
  findRegisteredGrant,
  type RegisteredGrant,
} from './rfc-grants.js';
import { isObject, type JsonObject } from '../shared/json.js';
import { deref } from '../shared/json-pointer.js';
import { constantValues, flattenSchema, type FlatSchema } from './schema-utils.js';

/** A grant found in the document, before it becomes a {@link GrantIR}. */
interface GrantCandidate {
  grantType: string;
  /** The fields the document lets this grant send. */
  fields: FieldIR[];
  /** Whether `fields` is this grant's own list (a oneOf variant) rather than the shared flat schema. */
  ownFields: boolean;
  description?: string;
  deprecated?: boolean;
}

export interface DerivedGrants {
  source: GrantSource;
  grants: GrantIR[];
}

/**
 * Derives the grants of a token endpoint, in this order of precedence:
 * 1. the document says so: a `oneOf` whose variants fix `grant_type` (discriminator, const or one-value enum),
 *    or `grant_type` with an `enum`/`const`;
 * 2. an `x-grant-types` list on the operation or the request schema;
 * 3. the registered grants whose required parameters the request schema declares (client_credentials always).
 * @param where Source name and pointer prefix for error messages.
 */
export function deriveGrants(
  root: unknown,
  operation: JsonObject,
  requestSchema: unknown,
  where: { file: string; pointer: string },
): DerivedGrants {
  const resolved = deref(root, requestSchema, `${where.pointer}/requestBody`);
  const variants = resolved ? oneOfVariants(root, resolved.value, resolved.pointer) : undefined;
  if (variants) return { source: 'discriminator', grants: toGrants(variants) };

  const flat = flattenSchema(root, requestSchema, `${where.pointer}/requestBody`);
  const fields = fieldsOf(root, flat);
  const grantTypeSchema = flat?.properties.get('grant_type')?.schema;
  const fixed = constantValues(root, grantTypeSchema);
  if (fixed)
    return { source: 'enum', grants: toGrants(fixed.map((grantType) => ({ grantType, fields, ownFields: false }))) };

  const extension =
    grantTypeExtension(operation, where.pointer) ?? grantTypeExtension(resolved?.value, resolved?.pointer ?? '');
  if (extension) {
    if (extension.values.length === 0)
      throw new InputError('x-grant-types must be a non-empty list of strings', locate(where.file, extension.pointer));
    return {
      source: 'extension',
      grants: toGrants(extension.values.map((grantType) => ({ grantType, fields, ownFields: false }))),
    };
  }

  const declared = new Set(fields.map((field) => field.name));
  const registered = REGISTERED_GRANTS.filter(
    (grant) => grant.always || (grant.required.length > 0 && grant.required.every((name) => declared.has(name))),
  );
  return {
    source: 'rfc-fields',
    grants: toGrants(registered.map((grant) => ({ grantType: grant.grantType, fields, ownFields: false }))),
  };
}

function grantTypeExtension(
  node: JsonObject | undefined,
  at: string,
): { values: string[]; pointer: string } | undefined {
  if (!node || !('x-grant-types' in node)) return undefined;
  const raw = node['x-grant-types'];
  const values = Array.isArray(raw)
    ? raw.filter((value): value is string => typeof value === 'string' && value !== '')
    : [];
  return {
    values: Array.isArray(raw) && values.length === raw.length ? [...new Set(values)] : [],
    pointer: `${at}/x-grant-types`,
  };
}

/** Reads a `oneOf`/`anyOf` request schema whose every variant fixes `grant_type`. */
function oneOfVariants(root: unknown, schema: JsonObject, at: string): GrantCandidate[] | undefined {
  const keyword = Array.isArray(schema.oneOf) ? 'oneOf' : Array.isArray(schema.anyOf) ? 'anyOf' : undefined;
  if (!keyword) return undefined;
  const members = schema[keyword] as unknown[];
  const discriminator = isObject(schema.discriminator) ? schema.discriminator : undefined;
  const mapping =
    discriminator && discriminator.propertyName === 'grant_type' && isObject(discriminator.mapping)
      ? discriminator.mapping
      : {};
  const candidates: GrantCandidate[] = [];
  members.forEach((member, index) => {
    const flat = flattenSchema(root, member, `${at}/${keyword}/${index}`);
    if (!flat) return;
    const ref = isObject(member) && typeof member.$ref === 'string' ? member.$ref : undefined;
    const mapped = Object.entries(mapping)
      .filter(([, target]) => target === ref)
      .map(([value]) => value);
    const fixed = constantValues(root, flat.properties.get('grant_type')?.schema);
    const implicit = discriminator?.propertyName === 'grant_type' && flat.componentName ? [flat.componentName] : [];
    const grantTypes = mapped.length > 0 ? mapped : (fixed ?? implicit);
    for (const grantType of grantTypes) candidates.push(candidateFromVariant(root, flat, grantType));
  });
  return candidates.length > 0 && candidates.length >= members.length ? candidates : undefined;
}

function candidateFromVariant(root: unknown, flat: FlatSchema, grantType: string): GrantCandidate {
  const description = typeof flat.schema.description === 'string' ? flat.schema.description : undefined;
  return {
    grantType,
    fields: fieldsOf(root, flat),
    ownFields: true,
    ...(description !== undefined ? { description } : {}),
    ...(flat.schema.deprecated === true ? { deprecated: true } : {}),
  };
}

function toGrants(candidates: GrantCandidate[]): GrantIR[] {
  const unique = candidates.filter(
    (candidate, index) => candidates.findIndex((other) => other.grantType === candidate.grantType) === index,
  );
  const helperNames = dedupe(
    unique.map((candidate) => safeIdentifier(camelCase(lastSegment(candidate.grantType)), 'grant')),
  );
  // The declarations named after a grant (`…Params` in grants.ts, `…TokenRequest` in models.ts) shadow neither a
  // global the generated code refers to nor an export of the output.
  const typeNames = dedupe(
    unique.map((candidate) => safeIdentifier(pascalCase(lastSegment(candidate.grantType)), 'Grant')),
    [],
    (name) => isReservedName(`${name}${GRANT_PARAMS_SUFFIX}`),
  );
  // `TokenRequest` itself is the union of them all (emit/models.ts).
  const requestTypeNames = dedupe(typeNames.map(requestTypeName), ['TokenRequest'], isReservedName);
  return unique.map((candidate, index) =>
    toGrant(candidate, helperNames[index]!, { typeName: typeNames[index]!, requestTypeName: requestTypeNames[index]! }),
  );
}

/**
 * The name of a grant's token request model: `ClientCredentials` → `ClientCredentialsTokenRequest`, without
 * repeating a last word `Token`: `RefreshToken` → `RefreshTokenRequest` (not `RefreshTokenTokenRequest`). A grant
 * named `token` alone keeps `TokenTokenRequest`: `TokenRequest` is the union of all grants' requests.
 */
export function requestTypeName(typeName: string): string {
  const parts = words(typeName);
  return parts.length > 1 && parts[parts.length - 1] === 'Token' ? `${typeName}Request` : `${typeName}TokenRequest`;
}

/**
 * The helper option of a wire field. Helpers read `params.<option>` from a caller's plain object, so a name that
 * object inherits (`toString`, `valueOf`, `hasOwnProperty`, …) would send Object.prototype's function when the
 * caller leaves the option out: those get a `Field` suffix, like reserved words.
 */
function optionName(wireName: string): string {
  const name = safeIdentifier(camelCase(wireName), 'field');
  return name in Object.prototype ? `${name}Field` : name;
}

/**
 * The RFC's description of a parameter. An own-property lookup: a field named `constructor` or `__proto__` would
 * otherwise get Object.prototype's members (a function, an object) as its description.
 */
function registeredDescription(registered: RegisteredGrant | undefined, name: string): string | undefined {
  return registered && Object.hasOwn(registered.descriptions, name) ? registered.descriptions[name] : undefined;
}

function toGrant(
  candidate: GrantCandidate,
  helperName: string,
  names: { typeName: string; requestTypeName: string },
): GrantIR {
  const registered = findRegisteredGrant(candidate.grantType);
  const allowed = (name: string): boolean => {
    if (name === 'grant_type' || CLIENT_AUTH_FIELDS.has(name)) return false;
    if (candidate.ownFields) return true;
    if (registered)
      return (
        registered.required.includes(name) ||
        registered.optional.includes(name) ||
        (!GRANT_SPECIFIC_FIELDS.has(name) && name !== 'scope')
      );
    return !GRANT_SPECIFIC_FIELDS.has(name);
  };
  const fields: FieldIR[] = candidate.fields.filter((field) => allowed(field.name));
  // A registered grant cannot work without its required parameters; add any the document forgot.
  for (const name of registered?.required ?? []) {
    if (!fields.some((field) => field.name === name)) {
      const description = registeredDescription(registered, name);
      fields.push({
        name,
        type: { kind: 'string' },
        requiredBySpec: false,
        secret: SECRET_FIELDS.has(name),
        ...(description ? { description } : {}),
      });
    }
  }
  // Required fields first (they lead the helper's parameters), then document order.
  const isRequired = (field: FieldIR): boolean =>
    (registered?.required.includes(field.name) ?? false) || field.requiredBySpec;
  fields.sort((a, b) => Number(isRequired(b)) - Number(isRequired(a)));
  const optionNames = dedupe(fields.map((field) => optionName(field.name)));
  const grantFields: GrantFieldIR[] = fields.map((field, index) => {
    const byRfc = registered?.required.includes(field.name) ?? false;
    const requiredBy = byRfc ? registered!.reference.citation : field.requiredBySpec ? 'the document' : undefined;
    const description = field.description ?? registeredDescription(registered, field.name);
    return {
      ...field,
      ...(description !== undefined ? { description } : {}),
      optionName: optionNames[index]!,
      required: requiredBy !== undefined,
      ...(requiredBy !== undefined ? { requiredBy } : {}),
    };
  });
  const deprecated =
    registered?.deprecated ?? (candidate.deprecated ? 'The document marks this grant as deprecated.' : undefined);
  return {
    grantType: candidate.grantType,
    helperName,
    ...names,
    yieldsRefreshToken: registered?.yieldsRefreshToken ?? false,
    retrySafety: registered?.retrySafety ?? 'not-after-send',
    fields: grantFields,
    ...(registered ? { reference: registered.reference } : {}),
    ...(candidate.description !== undefined ? { description: candidate.description } : {}),
    ...(deprecated !== undefined ? { deprecated } : {}),
  };
}
