import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, createConfig, parseYaml } from '@redocly/openapi-core';
import { describe, expect, it } from 'vitest';
import {
  diffDocuments,
  formatChanges,
  meetsFailOn,
  type Change,
  type OAuthGrantView,
  type OAuthView,
  type Severity,
} from '../../generator/diff/index.js';
import { RULE_BY_ID, RULES } from '../../generator/diff/rules/table.js';
import { LIMITS } from '../../generator/diff/schema-diff.js';
import { InputError } from '../../generator/errors.js';

/**
 * Every rule of the classifier, one small document pair each. The base document is modelled on
 * spec/wealthcare-access.openapi.yaml (the token endpoint: form request, TokenRequest/TokenResponse/TokenError
 * behind `$ref`s, oauth2 flows and HTTP Basic), plus an authorize endpoint (query parameters) and a sessions path
 * (a path-level path parameter). Each case edits a structured clone and states the exact changes expected.
 */
const SPEC = join(import.meta.dirname, '../../spec/wealthcare-access.openapi.yaml');

const scopes = () => ({ bensoft_api: 'Bensoft API.', mbi_api: 'MBI API.', offline_access: 'Refresh tokens.' });
const str = (extra: Record<string, unknown> = {}) => ({ type: 'string', ...extra });
const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });

const BASE = {
  openapi: '3.1.0',
  info: { title: 'WealthCare Access', version: 'beta' },
  servers: [{ url: 'https://beta.auth.wealthcare.com' }, { url: 'https://auth.wealthcare.com' }],
  paths: {
    '/connect/token': {
      post: {
        operationId: 'requestAccessToken',
        security: [{}, { clientSecretBasic: [] }],
        requestBody: {
          required: true,
          content: { 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/TokenRequest' } } },
        },
        responses: {
          '200': {
            description: 'Access token issued.',
            headers: { 'Cache-Control': { required: true, schema: str({ const: 'no-store' }) } },
            content: json('TokenResponse'),
          },
          '400': { description: 'The request was rejected.', content: json('TokenError') },
          '401': { description: 'Client authentication failed.', content: json('TokenError') },
        },
      },
    },
    '/connect/authorize': {
      get: {
        operationId: 'authorize',
        parameters: [
          { name: 'response_type', in: 'query', required: true, schema: str({ enum: ['code'] }) },
          { name: 'client_id', in: 'query', required: true, schema: str() },
          { name: 'redirect_uri', in: 'query', schema: str({ format: 'uri' }) },
          { name: 'scope', in: 'query', schema: str() },
          { name: 'code_challenge_method', in: 'query', schema: str({ enum: ['S256', 'plain'] }) },
          { name: 'max_age', in: 'query', schema: { type: 'integer' } },
        ],
        responses: { '302': { description: 'Redirect to the client.' }, '400': { description: 'Invalid request.' } },
      },
    },
    '/connect/sessions/{sessionId}': {
      parameters: [{ name: 'sessionId', in: 'path', required: true, schema: str() }],
      delete: { operationId: 'endSession', responses: { '204': { description: 'Session ended.' } } },
    },
  },
  components: {
    schemas: {
      TokenRequest: {
        type: 'object',
        required: ['grant_type'],
        properties: {
          grant_type: str(),
          scope: str(),
          client_id: str(),
          client_secret: str({ format: 'password' }),
          username: str(),
          password: str({ format: 'password' }),
          refresh_token: str(),
          code: str(),
          redirect_uri: str({ format: 'uri' }),
          code_verifier: str(),
          resource: { type: 'array', items: str({ format: 'uri' }) },
        },
      },
      // RFC 6749 §5.1 requires access_token and token_type (the real document leaves them optional).
      TokenResponse: {
        type: 'object',
        required: ['access_token', 'token_type'],
        properties: {
          access_token: str(),
          token_type: str(),
          expires_in: { type: 'integer', format: 'int32' },
          scope: str(),
          refresh_token: str(),
        },
      },
      TokenError: {
        type: 'object',
        required: ['error'],
        properties: { error: str(), error_description: str(), error_uri: str({ format: 'uri' }) },
      },
    },
    securitySchemes: {
      oauth2: {
        type: 'oauth2',
        flows: {
          clientCredentials: {
            tokenUrl: 'https://beta.auth.wealthcare.com/connect/token',
            refreshUrl: 'https://beta.auth.wealthcare.com/connect/token',
            scopes: scopes(),
          },
          password: {
            tokenUrl: 'https://beta.auth.wealthcare.com/connect/token',
            refreshUrl: 'https://beta.auth.wealthcare.com/connect/token',
            scopes: scopes(),
          },
          authorizationCode: {
            authorizationUrl: 'https://beta.auth.wealthcare.com/connect/authorize',
            tokenUrl: 'https://beta.auth.wealthcare.com/connect/token',
            refreshUrl: 'https://beta.auth.wealthcare.com/connect/token',
            scopes: scopes(),
          },
        },
      },
      clientSecretBasic: { type: 'http', scheme: 'basic' },
    },
  },
};

// Tests edit documents freely; the classifier takes `unknown`.
type Doc = any;
const base = (): Doc => structuredClone(BASE);

const TOKEN = '/paths/~1connect~1token/post';
const FORM = `${TOKEN}/requestBody/content/application~1x-www-form-urlencoded/schema`;
const RES200 = `${TOKEN}/responses/200`;
const OK = `${RES200}/content/application~1json/schema`;
const AUTHZ = '/paths/~1connect~1authorize/get';
const SESSIONS = '/paths/~1connect~1sessions~1{sessionId}';
const OAUTH = '/components/securitySchemes/oauth2';

type Row = [Severity, string, string | null, string | null];
/** A change at the same pointer in both documents. */
const both = (severity: Severity, id: string, at: string, newAt = at): Row => [severity, id, at, newAt];
/** A change that only exists in the old document (a removal). */
const gone = (severity: Severity, id: string, at: string): Row => [severity, id, at, null];
/** A change that only exists in the new document (an addition). */
const added = (severity: Severity, id: string, at: string): Row => [severity, id, null, at];
const rows = (changes: Change[]): Row[] =>
  changes.map((c) => [c.severity, c.id, c.oldPointer ?? null, c.newPointer ?? null]);

interface Case {
  name: string;
  /** Applied to both documents first. */
  setup?: (doc: Doc) => void;
  /** Applied to the new document only. */
  edit: (doc: Doc) => void;
  expected: Row[];
}

const tokenRequest = (d: Doc) => d.components.schemas.TokenRequest;
const tokenResponse = (d: Doc) => d.components.schemas.TokenResponse;
const authorizeParameters = (d: Doc) => d.paths['/connect/authorize'].get.parameters;
const tokenOperation = (d: Doc) => d.paths['/connect/token'].post;
const assertionVariants = (d: Doc) => {
  d.components.schemas.JwtAssertion = str();
  d.components.schemas.SamlAssertion = str();
  d.components.schemas.MtlsProof = str();
  tokenRequest(d).properties.client_assertion = {
    oneOf: [{ $ref: '#/components/schemas/JwtAssertion' }, { $ref: '#/components/schemas/SamlAssertion' }],
  };
};
const authorizationDetails = (d: Doc) => {
  const kind = (value: string) => ({ type: 'object', required: ['type'], properties: { type: str({ const: value }) } });
  d.components.schemas.AccountAccess = kind('account_access');
  d.components.schemas.PaymentInitiation = kind('payment_initiation');
  tokenResponse(d).properties.authorization_details = {
    type: 'array',
    items: { oneOf: [{ $ref: '#/components/schemas/AccountAccess' }] },
  };
};

const CASES: Case[] = [
  // Paths and operations.
  {
    name: 'a path removed',
    edit: (d) => delete d.paths['/connect/authorize'],
    expected: [gone('breaking', 'path-removed', '/paths/~1connect~1authorize')],
  },
  {
    name: 'a path added',
    edit: (d) => (d.paths['/connect/userinfo'] = { get: { responses: { '200': { description: 'Claims.' } } } }),
    expected: [added('info', 'path-added', '/paths/~1connect~1userinfo')],
  },
  {
    name: 'an operation removed',
    edit: (d) => delete d.paths['/connect/sessions/{sessionId}'].delete,
    expected: [gone('breaking', 'operation-removed', `${SESSIONS}/delete`)],
  },
  {
    name: 'an operation added',
    edit: (d) => (d.paths['/connect/sessions/{sessionId}'].get = { responses: { '200': { description: 'Session.' } } }),
    expected: [added('info', 'operation-added', `${SESSIONS}/get`)],
  },
  {
    name: 'a path parameter renamed (same path on the wire)',
    edit: (d) => {
      const item = d.paths['/connect/sessions/{sessionId}'];
      delete d.paths['/connect/sessions/{sessionId}'];
      item.parameters[0].name = 'sid';
      d.paths['/connect/sessions/{sid}'] = item;
    },
    expected: [],
  },

  // Parameters.
  {
    name: 'a required query parameter added',
    edit: (d) => authorizeParameters(d).push({ name: 'nonce', in: 'query', required: true, schema: str() }),
    expected: [added('breaking', 'request-parameter-added-required', `${AUTHZ}/parameters/6`)],
  },
  {
    name: 'an optional query parameter added',
    edit: (d) => authorizeParameters(d).push({ name: 'state', in: 'query', schema: str() }),
    expected: [added('info', 'request-parameter-added', `${AUTHZ}/parameters/6`)],
  },
  {
    name: 'an optional header parameter added',
    edit: (d) => authorizeParameters(d).push({ name: 'DPoP', in: 'header', schema: str() }),
    expected: [added('info', 'request-parameter-added', `${AUTHZ}/parameters/6`)],
  },
  {
    name: 'a required cookie parameter added',
    edit: (d) => authorizeParameters(d).push({ name: 'session', in: 'cookie', required: true, schema: str() }),
    expected: [added('breaking', 'request-parameter-added-required', `${AUTHZ}/parameters/6`)],
  },
  {
    name: 'a parameter removed',
    edit: (d) => authorizeParameters(d).splice(3, 1),
    expected: [gone('warning', 'request-parameter-removed', `${AUTHZ}/parameters/3`)],
  },
  {
    name: 'a parameter made required',
    edit: (d) => (authorizeParameters(d)[2].required = true),
    expected: [both('breaking', 'request-parameter-became-required', `${AUTHZ}/parameters/2`)],
  },
  {
    name: 'a parameter made optional',
    edit: (d) => (authorizeParameters(d)[1].required = false),
    expected: [both('info', 'request-parameter-became-optional', `${AUTHZ}/parameters/1`)],
  },
  {
    name: 'a path-level parameter type changed',
    edit: (d) => (d.paths['/connect/sessions/{sessionId}'].parameters[0].schema = { type: 'integer' }),
    expected: [both('breaking', 'request-type-changed', `${SESSIONS}/parameters/0/schema`)],
  },
  {
    name: 'a parameter moved into components/parameters',
    edit: (d) => {
      d.components.parameters = { ClientId: authorizeParameters(d)[1] };
      authorizeParameters(d)[1] = { $ref: '#/components/parameters/ClientId' };
    },
    expected: [],
  },
  {
    name: 'a parameter type widened from integer to number',
    edit: (d) => (authorizeParameters(d)[5].schema.type = 'number'),
    expected: [both('info', 'request-type-widened', `${AUTHZ}/parameters/5/schema`)],
  },

  // Request body properties.
  {
    name: 'a request field made required',
    edit: (d) => tokenRequest(d).required.push('scope'),
    expected: [both('breaking', 'request-property-became-required', `${FORM}/properties/scope`)],
  },
  {
    name: 'a request field made optional',
    setup: (d) => tokenRequest(d).required.push('client_id'),
    edit: (d) => (tokenRequest(d).required = ['grant_type']),
    expected: [both('info', 'request-property-became-optional', `${FORM}/properties/client_id`)],
  },
  {
    name: 'a required request field added',
    edit: (d) => {
      tokenRequest(d).properties.client_assertion = str();
      tokenRequest(d).required.push('client_assertion');
    },
    expected: [added('breaking', 'request-property-added-required', `${FORM}/properties/client_assertion`)],
  },
  {
    name: 'an optional request field added',
    edit: (d) => (tokenRequest(d).properties.audience = str()),
    expected: [added('info', 'request-property-added', `${FORM}/properties/audience`)],
  },
  {
    name: 'a request field removed',
    edit: (d) => delete tokenRequest(d).properties.username,
    expected: [gone('warning', 'request-property-removed', `${FORM}/properties/username`)],
  },
  {
    name: 'a required readOnly field added (never sent, so not a request change)',
    edit: (d) => {
      tokenRequest(d).properties.issued_at = str({ readOnly: true });
      tokenRequest(d).required.push('issued_at');
    },
    expected: [],
  },

  // Request body.
  {
    name: 'a request body made required',
    setup: (d) => (tokenOperation(d).requestBody.required = false),
    edit: (d) => (tokenOperation(d).requestBody.required = true),
    expected: [both('breaking', 'request-body-became-required', `${TOKEN}/requestBody`)],
  },
  {
    name: 'a request body made optional',
    edit: (d) => (tokenOperation(d).requestBody.required = false),
    expected: [both('info', 'request-body-became-optional', `${TOKEN}/requestBody`)],
  },
  {
    name: 'a request body removed',
    edit: (d) => delete tokenOperation(d).requestBody,
    expected: [gone('warning', 'request-body-removed', `${TOKEN}/requestBody`)],
  },
  {
    name: 'a required request body added',
    edit: (d) =>
      (d.paths['/connect/sessions/{sessionId}'].delete.requestBody = { required: true, content: json('TokenError') }),
    expected: [added('breaking', 'request-body-added-required', `${SESSIONS}/delete/requestBody`)],
  },
  {
    name: 'an optional request body added',
    edit: (d) => (d.paths['/connect/sessions/{sessionId}'].delete.requestBody = { content: json('TokenError') }),
    expected: [added('info', 'request-body-added', `${SESSIONS}/delete/requestBody`)],
  },
  {
    name: 'the request content type changed',
    edit: (d) => {
      const body = tokenOperation(d).requestBody;
      body.content = { 'application/json': body.content['application/x-www-form-urlencoded'] };
    },
    expected: [
      gone(
        'breaking',
        'request-content-type-removed',
        `${TOKEN}/requestBody/content/application~1x-www-form-urlencoded`,
      ),
      added('info', 'request-content-type-added', `${TOKEN}/requestBody/content/application~1json`),
    ],
  },
  {
    name: 'a media type parameter added (same media type)',
    edit: (d) => {
      const body = tokenOperation(d).requestBody;
      body.content = {
        'application/x-www-form-urlencoded; charset=utf-8': body.content['application/x-www-form-urlencoded'],
      };
    },
    expected: [],
  },

  // Types and formats, recursively.
  {
    name: 'a request field type changed',
    edit: (d) => (tokenRequest(d).properties.grant_type = { type: 'integer' }),
    expected: [both('breaking', 'request-type-changed', `${FORM}/properties/grant_type`)],
  },
  {
    name: 'a request field format changed',
    edit: (d) => (tokenRequest(d).properties.redirect_uri.format = 'iri'),
    expected: [both('breaking', 'request-format-changed', `${FORM}/properties/redirect_uri`)],
  },
  {
    name: 'a request array item format changed',
    edit: (d) => (tokenRequest(d).properties.resource.items.format = 'uri-reference'),
    expected: [both('breaking', 'request-format-changed', `${FORM}/properties/resource/items`)],
  },
  {
    name: 'a response field type changed',
    edit: (d) => (tokenResponse(d).properties.expires_in.type = 'string'),
    expected: [both('breaking', 'response-type-changed', `${OK}/properties/expires_in`)],
  },
  {
    name: 'a response field type narrowed from number to integer',
    setup: (d) => (tokenResponse(d).properties.expires_in.type = 'number'),
    edit: (d) => (tokenResponse(d).properties.expires_in.type = 'integer'),
    expected: [both('info', 'response-type-narrowed', `${OK}/properties/expires_in`)],
  },
  {
    name: 'a response field type widened from integer to number',
    edit: (d) => (tokenResponse(d).properties.expires_in.type = 'number'),
    expected: [both('breaking', 'response-type-changed', `${OK}/properties/expires_in`)],
  },
  {
    name: 'a response field format changed',
    edit: (d) => (tokenResponse(d).properties.expires_in.format = 'int64'),
    expected: [both('breaking', 'response-format-changed', `${OK}/properties/expires_in`)],
  },
  {
    name: 'a type changed inside an allOf member (pointer through allOf)',
    setup: (d) => {
      const { scope, ...rest } = tokenResponse(d).properties;
      d.components.schemas.AccessToken = { type: 'object', required: ['access_token', 'token_type'], properties: rest };
      d.components.schemas.TokenResponse = {
        allOf: [{ $ref: '#/components/schemas/AccessToken' }, { type: 'object', properties: { scope } }],
      };
    },
    edit: (d) => (d.components.schemas.AccessToken.properties.expires_in.type = 'string'),
    expected: [both('breaking', 'response-type-changed', `${OK}/allOf/0/properties/expires_in`)],
  },
  {
    name: 'a response schema split into allOf members (same fields)',
    edit: (d) => {
      const { scope, ...rest } = tokenResponse(d).properties;
      d.components.schemas.AccessToken = { type: 'object', required: ['access_token', 'token_type'], properties: rest };
      d.components.schemas.TokenResponse = {
        allOf: [{ $ref: '#/components/schemas/AccessToken' }, { type: 'object', properties: { scope } }],
      };
    },
    expected: [],
  },

  // Nullability.
  {
    name: 'a request field made nullable',
    edit: (d) => (tokenRequest(d).properties.scope.type = ['string', 'null']),
    expected: [both('info', 'request-became-nullable', `${FORM}/properties/scope`)],
  },
  {
    name: 'a request field no longer nullable (3.0 nullable)',
    setup: (d) => (tokenRequest(d).properties.scope.nullable = true),
    edit: (d) => delete tokenRequest(d).properties.scope.nullable,
    expected: [both('breaking', 'request-became-not-nullable', `${FORM}/properties/scope`)],
  },
  {
    name: 'a response field made nullable',
    edit: (d) => (tokenResponse(d).properties.refresh_token.type = ['string', 'null']),
    expected: [both('breaking', 'response-became-nullable', `${OK}/properties/refresh_token`)],
  },
  {
    name: 'a response field no longer nullable',
    setup: (d) => (tokenResponse(d).properties.refresh_token.type = ['null', 'string']),
    edit: (d) => (tokenResponse(d).properties.refresh_token.type = 'string'),
    expected: [both('info', 'response-became-not-nullable', `${OK}/properties/refresh_token`)],
  },
  {
    name: 'nullable (3.0) rewritten as a type array (3.1)',
    setup: (d) => (tokenResponse(d).properties.refresh_token.nullable = true),
    edit: (d) => (tokenResponse(d).properties.refresh_token = { type: ['string', 'null'] }),
    expected: [],
  },

  // Enums (request: narrowing breaks; response: widening warns).
  {
    name: 'a free request string became an enum',
    edit: (d) => (tokenRequest(d).properties.grant_type.enum = ['client_credentials', 'refresh_token']),
    expected: [both('breaking', 'request-enum-narrowed', `${FORM}/properties/grant_type`)],
  },
  {
    name: 'a request enum narrowed',
    edit: (d) => (authorizeParameters(d)[4].schema.enum = ['S256']),
    expected: [both('breaking', 'request-enum-narrowed', `${AUTHZ}/parameters/4/schema`)],
  },
  {
    name: 'a request enum widened',
    edit: (d) => authorizeParameters(d)[0].schema.enum.push('token'),
    expected: [both('info', 'request-enum-widened', `${AUTHZ}/parameters/0/schema`)],
  },
  {
    name: 'a request enum became a free string',
    edit: (d) => delete authorizeParameters(d)[4].schema.enum,
    expected: [both('info', 'request-enum-widened', `${AUTHZ}/parameters/4/schema`)],
  },
  {
    name: 'a one-value enum rewritten as const',
    edit: (d) => (authorizeParameters(d)[0].schema = str({ const: 'code' })),
    expected: [],
  },
  {
    name: 'a request const changed (a one-value enum replaced)',
    setup: (d) => (authorizeParameters(d)[0].schema = str({ const: 'code' })),
    edit: (d) => (authorizeParameters(d)[0].schema.const = 'token'),
    expected: [
      both('breaking', 'request-enum-narrowed', `${AUTHZ}/parameters/0/schema`),
      both('info', 'request-enum-widened', `${AUTHZ}/parameters/0/schema`),
    ],
  },
  {
    name: 'a response enum widened',
    setup: (d) => (tokenResponse(d).properties.token_type.enum = ['Bearer']),
    edit: (d) => tokenResponse(d).properties.token_type.enum.push('DPoP'),
    expected: [both('warning', 'response-enum-widened', `${OK}/properties/token_type`)],
  },
  {
    name: 'a response const widened to an enum',
    setup: (d) => (tokenResponse(d).properties.token_type.const = 'Bearer'),
    edit: (d) => (tokenResponse(d).properties.token_type = str({ enum: ['Bearer', 'DPoP'] })),
    expected: [both('warning', 'response-enum-widened', `${OK}/properties/token_type`)],
  },
  {
    name: 'a response enum narrowed',
    setup: (d) => (tokenResponse(d).properties.token_type.enum = ['Bearer', 'DPoP']),
    edit: (d) => (tokenResponse(d).properties.token_type.enum = ['Bearer']),
    expected: [both('info', 'response-enum-narrowed', `${OK}/properties/token_type`)],
  },

  // Response properties.
  {
    name: 'a response field removed',
    edit: (d) => delete tokenResponse(d).properties.refresh_token,
    expected: [gone('breaking', 'response-property-removed', `${OK}/properties/refresh_token`)],
  },
  {
    name: 'a response field made optional',
    edit: (d) => (tokenResponse(d).required = ['access_token']),
    expected: [both('breaking', 'response-property-became-optional', `${OK}/properties/token_type`)],
  },
  {
    name: 'a response field added',
    edit: (d) => (tokenResponse(d).properties.id_token = str()),
    expected: [added('info', 'response-property-added', `${OK}/properties/id_token`)],
  },
  {
    name: 'a response field made required',
    edit: (d) => tokenResponse(d).required.push('expires_in'),
    expected: [both('info', 'response-property-became-required', `${OK}/properties/expires_in`)],
  },
  {
    name: 'a writeOnly field added (never received, so not a response change)',
    edit: (d) => (tokenResponse(d).properties.client_secret = str({ writeOnly: true })),
    expected: [],
  },
  {
    name: 'a field of a schema shared by two responses removed (reported in each)',
    edit: (d) => delete d.components.schemas.TokenError.properties.error_description,
    expected: [
      gone(
        'breaking',
        'response-property-removed',
        `${TOKEN}/responses/400/content/application~1json/schema/properties/error_description`,
      ),
      gone(
        'breaking',
        'response-property-removed',
        `${TOKEN}/responses/401/content/application~1json/schema/properties/error_description`,
      ),
    ],
  },

  // Status codes, media types and headers of responses.
  {
    name: 'a success status removed',
    edit: (d) => delete tokenOperation(d).responses['200'],
    expected: [gone('breaking', 'response-status-removed', RES200)],
  },
  {
    name: 'an error status removed',
    edit: (d) => delete tokenOperation(d).responses['401'],
    expected: [gone('warning', 'response-error-status-removed', `${TOKEN}/responses/401`)],
  },
  {
    name: 'a status added',
    edit: (d) => (tokenOperation(d).responses['429'] = { description: 'Too many requests.' }),
    expected: [added('info', 'response-status-added', `${TOKEN}/responses/429`)],
  },
  {
    name: 'the response content type changed',
    edit: (d) => {
      const response = tokenOperation(d).responses['200'];
      response.content = { 'application/jwt': response.content['application/json'] };
    },
    expected: [
      gone('breaking', 'response-content-type-removed', `${RES200}/content/application~1json`),
      added('info', 'response-content-type-added', `${RES200}/content/application~1jwt`),
    ],
  },
  {
    name: 'a required response header removed',
    edit: (d) => delete tokenOperation(d).responses['200'].headers['Cache-Control'],
    expected: [gone('breaking', 'response-header-removed', `${RES200}/headers/Cache-Control`)],
  },
  {
    name: 'an optional response header removed',
    setup: (d) => (tokenOperation(d).responses['200'].headers.Pragma = { schema: str() }),
    edit: (d) => delete tokenOperation(d).responses['200'].headers.Pragma,
    expected: [gone('warning', 'response-optional-header-removed', `${RES200}/headers/Pragma`)],
  },
  {
    name: 'a response header made optional',
    edit: (d) => (tokenOperation(d).responses['200'].headers['Cache-Control'].required = false),
    expected: [both('breaking', 'response-header-became-optional', `${RES200}/headers/Cache-Control`)],
  },
  {
    name: 'a response header added',
    edit: (d) => (tokenOperation(d).responses['200'].headers.Pragma = { schema: str() }),
    expected: [added('info', 'response-header-added', `${RES200}/headers/Pragma`)],
  },

  // operationIds and deprecation.
  {
    name: 'an operationId renamed (the generated function is renamed)',
    edit: (d) => (tokenOperation(d).operationId = 'issueToken'),
    expected: [both('breaking', 'operation-id-changed', `${TOKEN}/operationId`)],
  },
  {
    name: 'an operationId removed',
    edit: (d) => delete tokenOperation(d).operationId,
    expected: [gone('breaking', 'operation-id-removed', `${TOKEN}/operationId`)],
  },
  {
    name: 'an operation deprecated with a distant sunset',
    edit: (d) => Object.assign(tokenOperation(d), { deprecated: true, 'x-sunset': '2999-01-01' }),
    expected: [['info', 'operation-deprecated', TOKEN, `${TOKEN}/x-sunset`]],
  },
  {
    name: 'an operation deprecated with a sunset closer than the minimum notice',
    edit: (d) => Object.assign(tokenOperation(d), { deprecated: true, 'x-sunset': '2000-01-01' }),
    expected: [['warning', 'operation-sunset-too-soon', TOKEN, `${TOKEN}/x-sunset`]],
  },
  {
    name: 'an operation deprecated without a sunset',
    edit: (d) => (tokenOperation(d).deprecated = true),
    expected: [['info', 'operation-deprecated-without-sunset', TOKEN, `${TOKEN}/deprecated`]],
  },
  {
    name: 'an operation no longer deprecated',
    setup: (d) => (tokenOperation(d).deprecated = true),
    edit: (d) => delete tokenOperation(d).deprecated,
    expected: [['info', 'operation-undeprecated', `${TOKEN}/deprecated`, TOKEN]],
  },
  {
    name: 'an operation removed before its announced sunset',
    setup: (d) =>
      Object.assign(d.paths['/connect/sessions/{sessionId}'].delete, { deprecated: true, 'x-sunset': '2999-01-01' }),
    edit: (d) => delete d.paths['/connect/sessions/{sessionId}'].delete,
    expected: [gone('breaking', 'operation-removed-before-sunset', `${SESSIONS}/delete`)],
  },
  {
    name: 'a parameter deprecated',
    edit: (d) => (authorizeParameters(d)[5].deprecated = true),
    expected: [both('info', 'request-parameter-deprecated', `${AUTHZ}/parameters/5`)],
  },
  {
    name: 'a request field deprecated',
    edit: (d) => (tokenRequest(d).properties.username.deprecated = true),
    expected: [both('info', 'request-property-deprecated', `${FORM}/properties/username`)],
  },
  {
    name: 'a response field deprecated',
    edit: (d) => (tokenResponse(d).properties.scope.deprecated = true),
    expected: [both('info', 'response-property-deprecated', `${OK}/properties/scope`)],
  },
  // Formats, by direction (see docs/drift.md for the comparison with oasdiff).
  {
    name: 'a response field gained a format (documents what is received; oasdiff INFO)',
    edit: (d) => (tokenResponse(d).properties.scope.format = 'uri'),
    expected: [both('info', 'response-format-added', `${OK}/properties/scope`)],
  },
  {
    name: 'a response field lost its format',
    setup: (d) => (tokenResponse(d).properties.scope.format = 'uri'),
    edit: (d) => delete tokenResponse(d).properties.scope.format,
    expected: [both('warning', 'response-format-removed', `${OK}/properties/scope`)],
  },
  {
    name: 'a request field lost its format',
    edit: (d) => delete tokenRequest(d).properties.client_secret.format,
    expected: [both('info', 'request-format-removed', `${FORM}/properties/client_secret`)],
  },
  {
    name: 'a request field gained a format',
    edit: (d) => (tokenRequest(d).properties.username.format = 'email'),
    expected: [both('warning', 'request-format-added', `${FORM}/properties/username`)],
  },
  {
    name: 'a response enum rewritten as a oneOf of one-value enums (an equivalent schema)',
    setup: (d) => (tokenResponse(d).properties.token_type = str({ enum: ['Bearer', 'DPoP'] })),
    edit: (d) =>
      (tokenResponse(d).properties.token_type = {
        oneOf: [str({ enum: ['Bearer'] }), str({ enum: ['DPoP'] })],
      }),
    expected: [],
  },
  // oneOf / anyOf variants.
  {
    name: 'a request oneOf variant removed',
    setup: assertionVariants,
    edit: (d) => tokenRequest(d).properties.client_assertion.oneOf.pop(),
    expected: [gone('breaking', 'request-variant-removed', `${FORM}/properties/client_assertion/oneOf/1`)],
  },
  {
    name: 'a request oneOf variant added',
    setup: assertionVariants,
    edit: (d) => tokenRequest(d).properties.client_assertion.oneOf.push({ $ref: '#/components/schemas/MtlsProof' }),
    expected: [added('info', 'request-variant-added', `${FORM}/properties/client_assertion/oneOf/2`)],
  },
  {
    name: 'request oneOf variants reordered',
    setup: assertionVariants,
    edit: (d) => tokenRequest(d).properties.client_assertion.oneOf.reverse(),
    expected: [],
  },
  {
    name: 'a request oneOf variant changed (pointers follow the reorder)',
    setup: assertionVariants,
    edit: (d) => {
      tokenRequest(d).properties.client_assertion.oneOf.reverse();
      d.components.schemas.JwtAssertion.format = 'jwt';
    },
    expected: [
      both(
        'warning',
        'request-format-added',
        `${FORM}/properties/client_assertion/oneOf/0`,
        `${FORM}/properties/client_assertion/oneOf/1`,
      ),
    ],
  },
  {
    // Every old value still matches the first alternative: one more accepted shape (oasdiff: WARN).
    name: 'a request field became a oneOf that contains the old schema',
    edit: (d) => (tokenRequest(d).properties.scope = { oneOf: [str(), { type: 'array', items: str() }] }),
    expected: [added('info', 'request-variant-added', `${FORM}/properties/scope/oneOf/1`)],
  },
  {
    name: 'a request field became a oneOf of unrelated alternatives',
    edit: (d) => (tokenRequest(d).properties.scope = { oneOf: [{ type: 'integer' }, { type: 'boolean' }] }),
    expected: [both('warning', 'request-variants-changed', `${FORM}/properties/scope`)],
  },
  {
    name: 'a response field became an anyOf that contains the old schema',
    edit: (d) => (tokenResponse(d).properties.token_type = { anyOf: [str({ const: 'Bearer' }), str()] }),
    expected: [added('warning', 'response-variant-added', `${OK}/properties/token_type/anyOf/0`)],
  },
  {
    name: 'a response field became an anyOf of unrelated alternatives',
    edit: (d) =>
      (tokenResponse(d).properties.token_type = { anyOf: [{ type: 'integer' }, { type: 'array', items: str() }] }),
    expected: [both('warning', 'response-variants-changed', `${OK}/properties/token_type`)],
  },
  {
    name: 'a response oneOf variant added',
    setup: authorizationDetails,
    edit: (d) =>
      tokenResponse(d).properties.authorization_details.items.oneOf.push({
        $ref: '#/components/schemas/PaymentInitiation',
      }),
    expected: [added('warning', 'response-variant-added', `${OK}/properties/authorization_details/items/oneOf/1`)],
  },
  {
    name: 'a response oneOf variant removed',
    setup: (d) => {
      authorizationDetails(d);
      tokenResponse(d).properties.authorization_details.items.oneOf.push({
        $ref: '#/components/schemas/PaymentInitiation',
      });
    },
    edit: (d) => tokenResponse(d).properties.authorization_details.items.oneOf.pop(),
    expected: [gone('info', 'response-variant-removed', `${OK}/properties/authorization_details/items/oneOf/1`)],
  },

  // $refs compare by target.
  {
    name: 'an inline request schema moved into components',
    setup: (d) => {
      tokenOperation(d).requestBody.content['application/x-www-form-urlencoded'].schema = tokenRequest(d);
      delete d.components.schemas.TokenRequest;
    },
    edit: (d) => {
      d.components.schemas.TokenRequest =
        tokenOperation(d).requestBody.content['application/x-www-form-urlencoded'].schema;
      tokenOperation(d).requestBody.content['application/x-www-form-urlencoded'].schema = {
        $ref: '#/components/schemas/TokenRequest',
      };
    },
    expected: [],
  },
  {
    name: 'a component schema inlined, and an inline property moved into components',
    edit: (d) => {
      tokenOperation(d).responses['200'].content['application/json'].schema = tokenResponse(d);
      delete d.components.schemas.TokenResponse;
      d.components.schemas.Seconds = { type: 'integer', format: 'int32' };
      tokenOperation(d).responses['200'].content['application/json'].schema.properties.expires_in = {
        $ref: '#/components/schemas/Seconds',
      };
    },
    expected: [],
  },

  // Security.
  {
    name: 'a security scheme removed',
    edit: (d) => delete d.components.securitySchemes.clientSecretBasic,
    expected: [gone('breaking', 'security-scheme-removed', '/components/securitySchemes/clientSecretBasic')],
  },
  {
    name: 'a security scheme added',
    edit: (d) => (d.components.securitySchemes.mtls = { type: 'mutualTLS' }),
    expected: [added('info', 'security-scheme-added', '/components/securitySchemes/mtls')],
  },
  {
    name: 'a security scheme changed type',
    edit: (d) => (d.components.securitySchemes.clientSecretBasic.scheme = 'bearer'),
    expected: [both('breaking', 'security-scheme-type-changed', '/components/securitySchemes/clientSecretBasic')],
  },
  {
    name: 'an HTTP scheme name changed case only',
    edit: (d) => (d.components.securitySchemes.clientSecretBasic.scheme = 'Basic'),
    expected: [],
  },
  {
    name: 'an API key moved',
    setup: (d) => (d.components.securitySchemes.apiKey = { type: 'apiKey', in: 'header', name: 'X-Api-Key' }),
    edit: (d) => (d.components.securitySchemes.apiKey.in = 'query'),
    expected: [both('breaking', 'security-api-key-changed', '/components/securitySchemes/apiKey')],
  },
  {
    name: 'an OpenID Connect discovery URL changed',
    setup: (d) =>
      (d.components.securitySchemes.oidc = {
        type: 'openIdConnect',
        openIdConnectUrl: 'https://beta.auth.wealthcare.com/.well-known/openid-configuration',
      }),
    edit: (d) =>
      (d.components.securitySchemes.oidc.openIdConnectUrl =
        'https://auth.wealthcare.com/.well-known/openid-configuration'),
    expected: [both('breaking', 'security-openid-url-changed', '/components/securitySchemes/oidc/openIdConnectUrl')],
  },
  {
    name: 'an oauth2 scope removed',
    edit: (d) => delete d.components.securitySchemes.oauth2.flows.clientCredentials.scopes.offline_access,
    expected: [gone('breaking', 'security-scope-removed', `${OAUTH}/flows/clientCredentials/scopes/offline_access`)],
  },
  {
    name: 'an oauth2 scope added',
    edit: (d) => (d.components.securitySchemes.oauth2.flows.password.scopes.openid = 'OpenID Connect.'),
    expected: [added('info', 'security-scope-added', `${OAUTH}/flows/password/scopes/openid`)],
  },
  {
    name: 'an oauth2 flow removed',
    edit: (d) => delete d.components.securitySchemes.oauth2.flows.password,
    expected: [gone('breaking', 'security-flow-removed', `${OAUTH}/flows/password`)],
  },
  {
    name: 'an oauth2 flow added',
    edit: (d) =>
      (d.components.securitySchemes.oauth2.flows.implicit = {
        authorizationUrl: 'https://beta.auth.wealthcare.com/connect/authorize',
        scopes: {},
      }),
    expected: [added('info', 'security-flow-added', `${OAUTH}/flows/implicit`)],
  },
  {
    name: 'a tokenUrl changed',
    edit: (d) =>
      (d.components.securitySchemes.oauth2.flows.clientCredentials.tokenUrl =
        'https://auth.wealthcare.com/oauth2/token'),
    expected: [both('breaking', 'security-flow-url-changed', `${OAUTH}/flows/clientCredentials/tokenUrl`)],
  },
  {
    name: 'an authorizationUrl changed',
    edit: (d) =>
      (d.components.securitySchemes.oauth2.flows.authorizationCode.authorizationUrl =
        'https://auth.wealthcare.com/oauth2/authorize'),
    expected: [both('breaking', 'security-flow-url-changed', `${OAUTH}/flows/authorizationCode/authorizationUrl`)],
  },
  {
    name: 'a refreshUrl removed',
    edit: (d) => delete d.components.securitySchemes.oauth2.flows.password.refreshUrl,
    expected: [gone('breaking', 'security-flow-url-changed', `${OAUTH}/flows/password/refreshUrl`)],
  },
  {
    name: 'a refreshUrl added',
    setup: (d) => delete d.components.securitySchemes.oauth2.flows.password.refreshUrl,
    edit: (d) =>
      (d.components.securitySchemes.oauth2.flows.password.refreshUrl =
        'https://beta.auth.wealthcare.com/connect/token'),
    expected: [added('info', 'security-flow-url-added', `${OAUTH}/flows/password/refreshUrl`)],
  },
  {
    name: 'an operation security requirement changed',
    edit: (d) => (tokenOperation(d).security = [{}]),
    expected: [both('warning', 'operation-security-changed', `${TOKEN}/security`)],
  },
  {
    name: 'operation security alternatives reordered',
    edit: (d) => tokenOperation(d).security.reverse(),
    expected: [],
  },
  {
    name: 'anonymous-only security written out',
    edit: (d) => (d.paths['/connect/authorize'].get.security = [{}]),
    expected: [],
  },
  {
    name: 'document-level security changed (each inheriting operation)',
    setup: (d) => (d.security = [{ oauth2: ['mbi_api'] }]),
    edit: (d) => (d.security = [{ oauth2: ['bensoft_api'] }]),
    expected: [
      both('warning', 'operation-security-changed', '/security'),
      both('warning', 'operation-security-changed', '/security'),
    ],
  },

  // Servers.
  {
    name: 'the default server URL changed',
    edit: (d) => (d.servers[0].url = 'https://auth.wealthcare.com/v2'),
    expected: [both('warning', 'server-url-changed', '/servers/0/url')],
  },
  {
    name: 'the servers swapped (a new default)',
    edit: (d) => d.servers.reverse(),
    expected: [both('warning', 'server-url-changed', '/servers/0/url')],
  },
  {
    name: 'a server removed',
    edit: (d) => d.servers.pop(),
    expected: [gone('warning', 'server-removed', '/servers/1')],
  },
  {
    name: 'a server added',
    edit: (d) => d.servers.push({ url: 'https://eu.auth.wealthcare.com' }),
    expected: [added('info', 'server-added', '/servers/2')],
  },
  {
    name: 'all servers removed',
    edit: (d) => (d.servers = []),
    expected: [
      gone('warning', 'server-url-changed', '/servers/0/url'),
      gone('warning', 'server-removed', '/servers/1'),
    ],
  },
  {
    name: 'a server variable default changed',
    setup: (d) =>
      (d.servers[0] = { url: 'https://{env}.auth.wealthcare.com', variables: { env: { default: 'beta' } } }),
    edit: (d) => (d.servers[0].variables.env.default = 'prod'),
    expected: [both('warning', 'server-url-changed', '/servers/0/url')],
  },
  {
    name: 'a path-level server added',
    edit: (d) => (d.paths['/connect/sessions/{sessionId}'].servers = [{ url: 'https://sessions.wealthcare.com' }]),
    expected: [added('info', 'server-added', `${SESSIONS}/servers/0`)],
  },
  {
    name: 'an operation-level server changed',
    setup: (d) => (tokenOperation(d).servers = [{ url: 'https://beta.auth.wealthcare.com' }]),
    edit: (d) => (tokenOperation(d).servers[0].url = 'https://token.wealthcare.com'),
    expected: [both('warning', 'server-url-changed', `${TOKEN}/servers/0/url`)],
  },
];

describe('diffDocuments: one case per rule', () => {
  it('compares identical documents as no change', () => {
    expect(diffDocuments(base(), base())).toEqual([]);
    const same = base();
    expect(diffDocuments(same, same)).toEqual([]);
  });

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, { setup, edit, expected }) => {
    const before = base();
    setup?.(before);
    const after = structuredClone(before);
    edit(after);
    expect(rows(diffDocuments(before, after))).toEqual(expected);
  });
});

describe('diffDocuments: messages, pointers and order', () => {
  const diff = (edit: (d: Doc) => void) => {
    const after = base();
    edit(after);
    return diffDocuments(base(), after);
  };

  it('names the thing that changed in one sentence', () => {
    const messages = (edit: (d: Doc) => void) => diff(edit).map((change) => change.message);
    expect(messages((d) => tokenRequest(d).required.push('scope'))).toEqual([
      'Request field `scope` of POST /connect/token is now required.',
    ]);
    expect(messages((d) => (authorizeParameters(d)[4].schema.enum = ['S256']))).toEqual([
      'Query parameter `code_challenge_method` of GET /connect/authorize no longer allows "plain".',
    ]);
    expect(messages((d) => (tokenRequest(d).properties.resource.items.format = 'uri-reference'))).toEqual([
      'The format of request field `resource[]` of POST /connect/token changed from uri to uri-reference.',
    ]);
    expect(messages((d) => delete tokenOperation(d).responses['200'])).toEqual([
      'POST /connect/token no longer documents the 200 response.',
    ]);
    expect(
      messages(
        (d) => (d.paths['/connect/sessions/{sessionId}'].servers = [{ url: 'https://sessions.wealthcare.com' }]),
      ),
    ).toEqual(['Server https://sessions.wealthcare.com of path /connect/sessions/{sessionId} was added.']);
    expect(
      messages((d) => {
        tokenResponse(d).properties.links = {
          type: 'object',
          properties: { self: { type: 'object', properties: { href: str({ format: 'uri' }) } } },
        };
        d.components.schemas.TokenResponse.required.push('links');
      }),
    ).toEqual(['Response field `links` of POST /connect/token was added.']);
  });

  it('names nested fields with a dotted path and variants by their component', () => {
    const before = base();
    assertionVariants(before);
    tokenResponse(before).properties.links = {
      type: 'object',
      properties: { self: { type: 'object', properties: { href: str({ format: 'uri' }) } } },
    };
    const after = structuredClone(before);
    tokenResponse(after).properties.links.properties.self.properties.href.format = 'iri';
    after.components.schemas.SamlAssertion.format = 'byte';
    expect(diffDocuments(before, after).map((change) => change.message)).toEqual([
      'The format of response field `links.self.href` of POST /connect/token changed from uri to iri.',
      'The format of request field `client_assertion` (oneOf variant SamlAssertion) of POST /connect/token changed from none to byte.',
    ]);
  });

  it('escapes ~ and / in pointer tokens (RFC 6901)', () => {
    const after = base();
    tokenRequest(after).properties['a/b~c'] = str();
    expect(diffDocuments(base(), after)[0]?.newPointer).toBe(`${FORM}/properties/a~1b~0c`);
  });

  it('orders by severity, then pointer, then id', () => {
    const changes = diff((d) => {
      d.servers.push({ url: 'https://eu.auth.wealthcare.com' });
      delete tokenResponse(d).properties.scope;
      delete tokenRequest(d).properties.username;
      tokenRequest(d).properties.grant_type.enum = ['client_credentials'];
      delete d.components.securitySchemes.clientSecretBasic;
      tokenOperation(d).security = [{}];
    });
    expect(rows(changes)).toEqual([
      gone('breaking', 'security-scheme-removed', '/components/securitySchemes/clientSecretBasic'),
      both('breaking', 'request-enum-narrowed', `${FORM}/properties/grant_type`),
      gone('breaking', 'response-property-removed', `${OK}/properties/scope`),
      gone('warning', 'request-property-removed', `${FORM}/properties/username`),
      both('warning', 'operation-security-changed', `${TOKEN}/security`),
      added('info', 'server-added', '/servers/2'),
    ]);
    // The same documents with their maps in reverse key order classify identically.
    const reverse = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map(reverse)
        : value && typeof value === 'object'
          ? Object.fromEntries(
              Object.entries(value)
                .reverse()
                .map(([k, v]) => [k, reverse(v)]),
            )
          : value;
    const after = base();
    after.servers.push({ url: 'https://eu.auth.wealthcare.com' });
    delete tokenResponse(after).properties.scope;
    delete tokenRequest(after).properties.username;
    tokenRequest(after).properties.grant_type.enum = ['client_credentials'];
    delete after.components.securitySchemes.clientSecretBasic;
    tokenOperation(after).security = [{}];
    expect(diffDocuments(reverse(base()), reverse(after))).toEqual(changes);
  });

  it('reads only own properties: a path named like an Object.prototype member is a path', () => {
    const after = base();
    after.paths.constructor = { get: { responses: { '200': { description: 'x' } } } };
    expect(rows(diffDocuments(base(), after))).toEqual([added('info', 'path-added', '/paths/constructor')]);
    expect(rows(diffDocuments(after, base()))).toEqual([gone('breaking', 'path-removed', '/paths/constructor')]);
  });

  it('tolerates documents that are not OpenAPI objects', () => {
    expect(diffDocuments(undefined, null)).toEqual([]);
    expect(rows(diffDocuments({ paths: { '/a': null } }, { paths: { '/a': { get: 'nonsense' } } }))).toEqual([]);
  });
});

describe('diffDocuments: recursion', () => {
  it('terminates on a self-referencing schema and still reports the change once', () => {
    const before = base();
    tokenResponse(before).properties.previous = { $ref: '#/components/schemas/TokenResponse' };
    const after = structuredClone(before);
    tokenResponse(after).properties.id_token = str();
    expect(rows(diffDocuments(before, after))).toEqual([
      added('info', 'response-property-added', `${OK}/properties/id_token`),
    ]);
  });

  it('terminates on mutually recursive schemas through allOf, items and oneOf', () => {
    const before = base();
    before.components.schemas.TokenError.properties.cause = { allOf: [{ $ref: '#/components/schemas/Cause' }] };
    before.components.schemas.Cause = {
      type: 'object',
      properties: {
        errors: {
          type: 'array',
          items: { oneOf: [{ $ref: '#/components/schemas/TokenError' }, { $ref: '#/components/schemas/Cause' }] },
        },
      },
    };
    const after = structuredClone(before);
    after.components.schemas.TokenError.properties.error_uri.format = 'iri';
    expect(rows(diffDocuments(before, after))).toEqual([
      both(
        'breaking',
        'response-format-changed',
        `${TOKEN}/responses/400/content/application~1json/schema/properties/error_uri`,
      ),
      both(
        'breaking',
        'response-format-changed',
        `${TOKEN}/responses/401/content/application~1json/schema/properties/error_uri`,
      ),
    ]);
  });

  it('ignores $ref cycles that name no schema', () => {
    const before = base();
    before.components.schemas.Loop1 = { $ref: '#/components/schemas/Loop2' };
    before.components.schemas.Loop2 = { $ref: '#/components/schemas/Loop1' };
    tokenResponse(before).properties.loop = { $ref: '#/components/schemas/Loop1' };
    expect(diffDocuments(before, structuredClone(before))).toEqual([]);
  });

  const intertwined = () => {
    const before = base();
    const names = Array.from({ length: 12 }, (_, i) => `S${i}`);
    for (const name of names)
      before.components.schemas[name] = {
        type: 'object',
        properties: Object.fromEntries(names.map((other) => [other, { $ref: `#/components/schemas/${other}` }])),
      };
    tokenResponse(before).properties.graph = { $ref: '#/components/schemas/S0' };
    return before;
  };

  it('compares schemas that reference each other in exponentially many ways in full (each pair once)', () => {
    const before = intertwined();
    expect(diffDocuments(before, structuredClone(before))).toEqual([]);
    // A change deep inside is found (it was past the old fixed budget of schema pairs).
    const after = structuredClone(before);
    after.components.schemas.S11.properties.note = str();
    const changes = diffDocuments(before, after);
    // Reported once for the response that uses it (at the first path that reaches S11), naming the component.
    expect(rows(changes)).toEqual([
      added('info', 'response-property-added', `${OK}/properties/graph/properties/S11/properties/note`),
    ]);
    expect(
      changes.every((change) => change.component?.message === 'Response field `note` of schema S11 was added.'),
    ).toBe(true);
  });

  it('stops with an error naming what it could not compare, never a partial pass, past the hard limit', () => {
    const before = intertwined();
    const after = structuredClone(before);
    after.components.schemas.S11.properties.note = str();
    const saved = { ...LIMITS };
    try {
      LIMITS.reportSteps = 5;
      expect(() => diffDocuments(before, after)).toThrow(
        /cannot report the changes of the 200 response body \(application\/json\) of POST \/connect\/token/,
      );
      expect(() => diffDocuments(before, after)).toThrow(InputError);
      Object.assign(LIMITS, saved);
      LIMITS.pairs = 20;
      expect(() => diffDocuments(before, after)).toThrow(/the schemas are intertwined beyond 20 schema pairs/);
    } finally {
      Object.assign(LIMITS, saved);
    }
  });
});

describe('diffDocuments: the real document', () => {
  const text = readFileSync(SPEC, 'utf8');

  it('finds no change between the document and itself, parsed twice', () => {
    expect(diffDocuments(parseYaml(text), parseYaml(text))).toEqual([]);
  });

  it('finds no change between the document and its fully dereferenced bundle', async () => {
    const { bundle: bundled } = await bundle({ ref: SPEC, config: await createConfig({}), dereference: true });
    expect(JSON.stringify(bundled.parsed)).not.toContain('$ref');
    expect(diffDocuments(parseYaml(text), bundled.parsed)).toEqual([]);
  });

  it('reports the brief example on the real document', () => {
    const after = parseYaml(text) as Doc;
    after.components.schemas.TokenRequest.required.push('scope');
    expect(diffDocuments(parseYaml(text), after)).toEqual([
      {
        id: 'request-property-became-required',
        severity: 'breaking',
        oldPointer: `${FORM}/properties/scope`,
        newPointer: `${FORM}/properties/scope`,
        message: 'Request field `scope` of POST /connect/token is now required.',
        operation: 'POST /connect/token',
        component: {
          name: 'TokenRequest',
          message: 'Request field `scope` of schema TokenRequest is now required.',
          oldPointer: '/components/schemas/TokenRequest/properties/scope',
          newPointer: '/components/schemas/TokenRequest/properties/scope',
        },
      },
    ]);
  });
});

describe('diffDocuments: the OAuth view', () => {
  const view = (grants: OAuthGrantView[], path = '/connect/token'): OAuthView => ({
    tokenEndpoints: [{ method: 'POST', path, grants }],
  });
  const cc: OAuthGrantView = {
    grantType: 'client_credentials',
    requiredFields: ['client_id', 'client_secret'],
    optionalFields: ['scope'],
  };
  const rt: OAuthGrantView = {
    grantType: 'refresh_token',
    requiredFields: ['refresh_token'],
    optionalFields: ['scope'],
  };
  const cases: Array<[string, OAuthView, OAuthView, Row[]]> = [
    ['a grant removed', view([cc, rt]), view([cc]), [gone('breaking', 'oauth-grant-removed', TOKEN)]],
    ['a grant added', view([cc]), view([cc, rt]), [added('info', 'oauth-grant-added', TOKEN)]],
    [
      'a required field added',
      view([rt]),
      view([{ ...rt, requiredFields: ['refresh_token', 'client_id'] }]),
      [added('breaking', 'oauth-grant-required-field-added', TOKEN)],
    ],
    [
      'an optional field made required',
      view([rt]),
      view([{ ...rt, requiredFields: ['refresh_token', 'scope'], optionalFields: [] }]),
      [added('breaking', 'oauth-grant-required-field-added', TOKEN)],
    ],
    [
      'a required field made optional',
      view([cc]),
      view([{ ...cc, requiredFields: ['client_id'], optionalFields: ['client_secret', 'scope'] }]),
      [both('info', 'oauth-grant-field-became-optional', TOKEN)],
    ],
    [
      'a required field removed',
      view([cc]),
      view([{ ...cc, requiredFields: ['client_id'] }]),
      [gone('breaking', 'oauth-grant-required-field-removed', TOKEN)],
    ],
    [
      'an optional field removed',
      view([rt]),
      view([{ ...rt, optionalFields: [] }]),
      [gone('warning', 'oauth-grant-field-removed', TOKEN)],
    ],
    [
      'an optional field added',
      view([cc]),
      view([{ ...cc, optionalFields: ['scope', 'resource'] }]),
      [added('info', 'oauth-grant-field-added', TOKEN)],
    ],
    ['the only token endpoint moved, same grants', view([cc, rt]), view([cc, rt], '/oauth2/token'), []],
    ['identical views', view([cc, rt]), view([cc, rt]), []],
  ];
  it.each(cases)('%s', (_name, oldOAuth, newOAuth, expected) => {
    expect(rows(diffDocuments(base(), base(), { oldOAuth, newOAuth }))).toEqual(expected);
  });

  it('names the grant and the field', () => {
    const changes = diffDocuments(base(), base(), {
      oldOAuth: view([cc]),
      newOAuth: view([{ ...cc, requiredFields: ['client_id', 'client_secret', 'client_assertion'] }]),
    });
    expect(changes.map((change) => change.message)).toEqual([
      'The client_credentials grant of POST /connect/token now requires `client_assertion`.',
    ]);
  });

  it('is skipped unless both views are given', () => {
    expect(diffDocuments(base(), base(), { oldOAuth: view([cc]) })).toEqual([]);
  });
});

describe('every rule has a case', () => {
  it('covers each rule of the rule table, and the classifier emits no id outside it', () => {
    const source = readdirSync(join(import.meta.dirname, '../../generator/diff'), { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts') && !file.endsWith('table.ts'))
      .map((file) => readFileSync(join(import.meta.dirname, '../../generator/diff', file), 'utf8'))
      .join('\n');
    // Every quoted id-like literal that names a rule, and `${direction}-…` templates for both directions.
    const literal = [...source.matchAll(/'((?:request|response|operation|path|security|server|oauth)-[a-z-]+)'/g)].map(
      (match) => match[1]!,
    );
    const templated = [...source.matchAll(/`\$\{direction\}-([a-z-]+)`/g)].flatMap((match) => [
      `request-${match[1]}`,
      `response-${match[1]}`,
    ]);
    // Combinations that no input can produce: the request body's content is judged by the request rules only.
    const impossible = new Set(['request-type-narrowed', 'response-type-widened']);
    const emitted = [...new Set([...literal, ...templated])].filter((id) => !impossible.has(id));
    expect(emitted.filter((id) => !RULE_BY_ID.has(id)).sort()).toEqual([]);
    const covered = new Set([
      ...CASES.flatMap((c) => c.expected.map((row) => row[1])),
      // The OAuth view's rules have their own table of cases below.
      ...RULES.filter((rule) => rule.id.startsWith('oauth-')).map((rule) => rule.id),
      // The generated-code rules have theirs in code-surface.test.ts.
      ...RULES.filter((rule) => rule.direction === 'code').map((rule) => rule.id),
    ]);
    expect(RULES.map((rule) => rule.id).filter((id) => !covered.has(id))).toEqual([]);
  });
});

describe('formatChanges', () => {
  const changes: Change[] = [
    {
      id: 'request-property-became-required',
      severity: 'breaking',
      oldPointer: `${FORM}/properties/scope`,
      newPointer: `${FORM}/properties/scope`,
      message: 'Request field `scope` of POST /connect/token is now required.',
    },
    {
      id: 'server-removed',
      severity: 'warning',
      oldPointer: '/servers/1',
      message: 'Server https://auth.wealthcare.com was removed.',
    },
    {
      id: 'path-added',
      severity: 'info',
      newPointer: '/paths/~1a|b',
      message: 'Path /a|b <script>\nwith `tick` and *stars* was added.\u001b[31m',
    },
  ];

  it('text: one line per change and a summary line', () => {
    expect(formatChanges(changes, 'text')).toBe(
      [
        'BREAKING  Request field `scope` of POST /connect/token is now required.  (old: /paths/~1connect~1token/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/scope, new: /paths/~1connect~1token/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/scope)',
        'WARNING   Server https://auth.wealthcare.com was removed.  (old: /servers/1)',
        'INFO      Path /a|b <script> with `tick` and *stars* was added.\\u001b[31m  (new: /paths/~1a|b)',
        '1 breaking, 1 warning, 1 info',
        '',
      ].join('\n'),
    );
  });

  /** The stable id, computed here independently of the formatter: rule @ 12 hex of SHA-256 of its parts. */
  const changeId = (change: Change) =>
    `${change.id}@${createHash('sha256')
      .update([change.id, change.oldPointer ?? '', change.newPointer ?? '', change.message].join('\u0000'))
      .digest('hex')
      .slice(0, 12)}`;

  it('json: summary, message and changes with stable ids, pretty-printed', () => {
    const out = formatChanges(changes.slice(1, 2), 'json', { oldSource: 'old.yaml', newSource: 'new.yaml' });
    expect(out).toBe(`{
  "old": "old.yaml",
  "new": "new.yaml",
  "summary": {
    "breaking": 0,
    "warning": 1,
    "info": 0
  },
  "message": "0 breaking, 1 warning, 0 info",
  "changes": [
    {
      "changeId": "${changeId(changes[1]!)}",
      "id": "server-removed",
      "severity": "warning",
      "oldPointer": "/servers/1",
      "message": "Server https://auth.wealthcare.com was removed."
    }
  ]
}
`);
    expect(JSON.parse(formatChanges(changes, 'json'))).toEqual({
      summary: { breaking: 1, warning: 1, info: 1 },
      message: '1 breaking, 1 warning, 1 info',
      changes: changes.map((change) => ({ changeId: changeId(change), ...change })),
    });
  });

  it('markdown: summary first, grouped by operation, document-level changes with pointers, info folded', () => {
    const withOperation = changes.map((change, index) =>
      index === 0 ? { ...change, operation: 'POST /connect/token' } : change,
    );
    expect(
      formatChanges(withOperation, 'markdown', { oldSource: 'git:HEAD:spec.yaml', newSource: 'spec`s|new.yaml' }),
    ).toBe(
      [
        '### API changes: `git:HEAD:spec.yaml` → ``spec`s|new.yaml``',
        '',
        '**1 breaking, 1 warning, 1 info** in 1 operation.',
        '',
        '| | Breaking | Warning | Info |',
        '| --- | ---: | ---: | ---: |',
        '| Changes | 1 | 1 | 1 |',
        '',
        '### 🔴 Breaking changes',
        '',
        '#### 🔴 `POST /connect/token`',
        '',
        '- 🔴 Request field \\`scope\\` of POST /connect/token is now required. <sub>`request-property-became-required`</sub>',
        '',
        '### 🟠 Warnings',
        '',
        '#### Document',
        '',
        '- 🟠 Server https://auth.wealthcare.com was removed. <sub>`server-removed` `/servers/1`</sub>',
        '',
        '<details><summary>1 info changes</summary>',
        '',
        '#### Document',
        '',
        '- 🔵 Path /a\\|b \\<script\\> with \\`tick\\` and \\*stars\\* was added.\\\\u001b\\[31m <sub>`path-added` `/paths/~1a|b`</sub>',
        '',
        '</details>',
        '',
      ].join('\n'),
    );
  });

  it('markdown: shows both pointers of a document-level change that moved', () => {
    const moved: Change = {
      id: 'server-url-changed',
      severity: 'warning',
      oldPointer: '/servers/0',
      newPointer: '/servers/1',
      message: 'M.',
    };
    expect(formatChanges([moved], 'markdown')).toContain(
      '- 🟠 M. <sub>`server-url-changed` `/servers/0 → /servers/1`</sub>',
    );
  });

  it('markdown: stays within a pull-request comment and says what it left out', () => {
    const many: Change[] = Array.from({ length: 3000 }, (_, index) => ({
      id: index % 2 ? 'response-property-removed' : 'response-property-added',
      severity: index % 2 ? 'breaking' : 'info',
      message: `Response field \`f${index}\` of GET /items/${index} changed in a way that takes a long sentence to say.`,
      operation: `GET /items/${index}`,
      oldPointer: `/paths/~1items~1${index}/get`,
    }));
    const out = formatChanges(many, 'markdown');
    expect(out.length).toBeLessThanOrEqual(65_536);
    expect(out.startsWith('### API changes\n\n**1500 breaking, 0 warning, 1500 info** in 3000 operations.')).toBe(true);
    const shown = (out.match(/^- /gm) ?? []).length;
    const note =
      /Left out to fit a pull-request comment:\*\* (\d+) changes \((\d+) breaking, 0 warning, (\d+) info\)/.exec(out);
    expect(note).not.toBeNull();
    expect(shown + Number(note![1])).toBe(3000);
    // Breaking changes come first, so what is left out is info before it is breaking.
    expect(Number(note![3])).toBe(1500);
    expect(out).toContain('</details>');
  });

  it('says "No changes." in every format', () => {
    expect(formatChanges([], 'text')).toBe('No changes.\n');
    expect(formatChanges([], 'markdown')).toBe('### API changes\n\nNo changes.\n');
    expect(formatChanges([], 'markdown', { oldSource: 'a.yaml', newSource: 'b.yaml' })).toBe(
      '### API changes: `a.yaml` → `b.yaml`\n\nNo changes.\n',
    );
    expect(JSON.parse(formatChanges([], 'json'))).toEqual({
      summary: { breaking: 0, warning: 0, info: 0 },
      message: 'No changes.',
      changes: [],
    });
  });
});

describe('meetsFailOn', () => {
  const one = (severity: Severity): Change[] => [{ id: 'x', severity, message: 'X.' }];
  it.each([
    ['breaking', one('breaking'), true],
    ['breaking', one('warning'), false],
    ['breaking', one('info'), false],
    ['warning', one('breaking'), true],
    ['warning', one('warning'), true],
    ['warning', one('info'), false],
    ['never', one('breaking'), false],
    ['never', one('warning'), false],
    ['breaking', [], false],
    ['warning', [], false],
    ['warning', [...one('info'), ...one('warning')], true],
  ] as const)('--fail-on %s with %j → %s', (failOn, changes, expected) => {
    expect(meetsFailOn([...changes], failOn)).toBe(expected);
  });
});
