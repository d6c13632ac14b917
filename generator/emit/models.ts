import { createRequire } from 'node:module';
import type {
  InterfaceDeclarationStructure,
  OptionalKind,
  PropertySignatureStructure,
  TypeAliasDeclarationStructure,
} from 'ts-morph';
import type { FieldIR, GeneratorIR, TokenEndpointIR } from '../analyze/ir.js';
import { CLIENT_AUTH_FIELDS } from '../analyze/rfc-grants.js';
import { jsdocText, propertyName, tsString } from './escape.js';
import { typeText } from './field-types.js';

/**
 * `models.ts`: the wire-format models of the token endpoint, built with ts-morph. One request interface per grant
 * (grant_type as a literal, RFC-required fields required), their union, the success and error responses, the
 * error codes and the scopes. Every declaration carries the document's description as JSDoc.
 */
export function emitModels(ir: GeneratorIR, endpoint: TokenEndpointIR): string {
  const { IndentationText, Project } = loadTsMorph();
  // Two spaces, as the templates print: without a prettier config the files are written as printed.
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces },
  });
  const file = project.createSourceFile('models.ts');
  const codes = endpoint.errorCodes;
  const aliases: OptionalKind<TypeAliasDeclarationStructure>[] = [
    {
      name: 'Scope',
      isExported: true,
      type: [...ir.scopes.map((scope) => tsString(scope.name)), '(string & {})'].join(' | '),
      docs: [
        doc([
          'A scope the document names (open-ended: servers may define others).',
          ir.scopes
            .map((scope) => `- \`${scope.name}\`${scope.description ? `: ${scope.description}` : ''}`)
            .join('\n'),
        ]),
      ],
    },
    {
      name: 'OAuthErrorCode',
      isExported: true,
      type: [...new Set(codes)].map(tsString).concat('(string & {})').join(' | '),
      docs: [
        doc([
          'An OAuth 2.0 error code (RFC 6749 §5.2 and the extensions of the grants in use); servers may send others.',
        ]),
      ],
    },
    {
      name: 'TokenRequest',
      isExported: true,
      type: endpoint.grants.map((grant) => grant.requestTypeName).join(' | ') || 'never',
      docs: [
        doc([
          `The form body of ${endpoint.method} ${endpoint.path}, one member per grant.`,
          endpoint.description ?? '',
        ]),
      ],
    },
  ];
  const clientFields = endpoint.requestFields.filter((field) => CLIENT_AUTH_FIELDS.has(field.name));
  const interfaces: OptionalKind<InterfaceDeclarationStructure>[] = endpoint.grants.map((grant) => ({
    name: grant.requestTypeName,
    isExported: true,
    docs: [
      doc(
        [
          `Token request of the \`${grant.grantType}\` grant${grant.reference ? ` (${grant.reference.citation})` : ''}.`,
          grant.description ?? '',
        ],
        grant.deprecated,
      ),
    ],
    properties: [
      {
        name: 'grant_type',
        type: tsString(grant.grantType),
        docs: [doc([descriptionOf(endpoint.requestFields, 'grant_type') || 'The grant type (RFC 6749 §4).'])],
      },
      ...grant.fields.map((field) => property(field, !field.required)),
      ...clientFields.map((field) => property(field, true)),
    ],
  }));
  interfaces.push(
    {
      name: 'TokenResponse',
      isExported: true,
      docs: [
        doc([
          'A successful token response (RFC 6749 §5.1), as validated by the client: access_token and token_type are present, expires_in is a number, unknown members are kept.',
        ]),
      ],
      properties: endpoint.responseFields.map((field) => {
        const member = property(field, !['access_token', 'token_type'].includes(field.name));
        // The client normalises expires_in to a number (RFC 6749 §5.1), whatever type the document gives it.
        return field.name === 'expires_in' ? { ...member, type: 'number' } : member;
      }),
      indexSignatures: [{ keyName: 'member', keyType: 'string', returnType: 'unknown' }],
    },
    {
      name: 'TokenErrorResponse',
      isExported: true,
      docs: [
        doc([
          `An error response of ${endpoint.method} ${endpoint.path} (RFC 6749 §5.2); the document lists HTTP ${endpoint.errorStatuses.join(', ') || 'none'}.`,
        ]),
      ],
      properties: [
        ...endpoint.errorFields.map((field) =>
          field.name === 'error' ? { ...property(field, false), type: 'OAuthErrorCode' } : property(field, true),
        ),
        ...(endpoint.errorFields.some((field) => field.name === 'error')
          ? []
          : [{ name: 'error', type: 'OAuthErrorCode', docs: [doc(['The error code.'])] }]),
      ],
      indexSignatures: [{ keyName: 'member', keyType: 'string', returnType: 'unknown' }],
    },
  );
  // One batch each: adding declarations one at a time makes ts-morph re-parse the file every time.
  file.addTypeAliases(aliases);
  file.addInterfaces(interfaces);
  return file.getFullText();
}

/**
 * ts-morph through `require`, not `import`: it is CommonJS, and an ES `import` makes Node 20 scan its 9 MB bundled
 * TypeScript for named exports (cjs-module-lexer) and module syntax: about 0.3 s of CPU per run, measured with
 * --cpu-prof in the models worker (docs/performance.md, round two). The same reason as for openapi-typescript in
 * schema-types.ts.
 */
export function loadTsMorph(): typeof import('ts-morph') {
  return createRequire(import.meta.url)('ts-morph') as typeof import('ts-morph');
}

function property(field: FieldIR, optional: boolean): OptionalKind<PropertySignatureStructure> {
  return {
    kind: loadTsMorph().StructureKind.PropertySignature,
    name: propertyName(field.name),
    hasQuestionToken: optional,
    type: typeText(field.type),
    docs:
      field.description || field.deprecated ? [doc([field.description ?? ''], field.deprecated ? '' : undefined)] : [],
  };
}

function descriptionOf(fields: FieldIR[], name: string): string {
  return fields.find((field) => field.name === name)?.description ?? '';
}

/**
 * A JSDoc body from paragraphs, escaped so document text cannot end the comment or start a tag.
 * @param deprecated When defined, adds a `@deprecated` tag with this reason.
 */
function doc(paragraphs: string[], deprecated?: string): string {
  const body = paragraphs.filter((text) => text.trim() !== '').map((text) => jsdocText(text).replace(/\n \* /g, '\n'));
  if (deprecated !== undefined) body.push(`@deprecated ${jsdocText(deprecated).replace(/\n \* /g, ' ')}`.trimEnd());
  return body.join('\n\n');
}
