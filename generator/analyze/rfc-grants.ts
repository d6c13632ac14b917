import type { RetrySafety, SpecReference } from './ir.js';

/** What an RFC says about one grant's token request. */
export interface RegisteredGrant {
  grantType: string;
  reference: SpecReference;
  /** Parameters the RFC makes REQUIRED in the token request. */
  required: readonly string[];
  /** Parameters the RFC allows (OPTIONAL, or REQUIRED only under a condition the client knows). */
  optional: readonly string[];
  /** Standard description of each parameter, used when the document describes none. */
  descriptions: Readonly<Record<string, string>>;
  deprecated?: string;
  yieldsRefreshToken: boolean;
  /** When a failed request may be sent again (see the generated client's RetrySafety). */
  retrySafety: RetrySafety;
  /** Whether the grant is derived even when the document declares none of its parameters. */
  always?: boolean;
}

const rfc = (citation: string, url: string): SpecReference => ({ citation, url });

/**
 * The IANA-registered grants whose token requests we know, in the order helpers are generated.
 * Parameter lists follow the token-request sections cited; client authentication parameters (client_id,
 * client_secret, client_assertion*) are handled by the client, not by grants.
 */
export const REGISTERED_GRANTS: readonly RegisteredGrant[] = [
  {
    grantType: 'client_credentials',
    reference: rfc('RFC 6749 §4.4', 'https://www.rfc-editor.org/rfc/rfc6749#section-4.4'),
    required: [],
    optional: ['scope'],
    descriptions: { scope: 'The scope of the access request (RFC 6749 §3.3).' },
    yieldsRefreshToken: false,
    retrySafety: 'replayable',
    always: true,
  },
  {
    grantType: 'authorization_code',
    reference: rfc('RFC 6749 §4.1.3, RFC 7636 §4.5', 'https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3'),
    required: ['code'],
    optional: ['redirect_uri', 'code_verifier'],
    descriptions: {
      code: 'The authorization code received from the authorization server.',
      redirect_uri: 'REQUIRED if it was included in the authorization request, and identical to it.',
      code_verifier: 'The PKCE code verifier (RFC 7636 §4.5); required when a code_challenge was sent.',
    },
    yieldsRefreshToken: true,
    retrySafety: 'single-use',
  },
  {
    grantType: 'refresh_token',
    reference: rfc('RFC 6749 §6', 'https://www.rfc-editor.org/rfc/rfc6749#section-6'),
    required: ['refresh_token'],
    optional: ['scope'],
    descriptions: {
      refresh_token: 'The refresh token issued to the client.',
      scope: 'The scope of the access request; must not include any scope not originally granted.',
    },
    yieldsRefreshToken: true,
    retrySafety: 'not-after-send',
  },
  {
    grantType: 'password',
    reference: rfc('RFC 6749 §4.3.2', 'https://www.rfc-editor.org/rfc/rfc6749#section-4.3.2'),
    required: ['username', 'password'],
    optional: ['scope'],
    descriptions: {
      username: "The resource owner's username.",
      password: "The resource owner's password.",
      scope: 'The scope of the access request (RFC 6749 §3.3).',
    },
    deprecated:
      'The resource owner password credentials grant MUST NOT be used (RFC 9700 §2.4): it exposes the password to the client. Prefer authorization_code with PKCE.',
    yieldsRefreshToken: true,
    retrySafety: 'replayable',
  },
  {
    grantType: 'urn:ietf:params:oauth:grant-type:device_code',
    reference: rfc('RFC 8628 §3.4', 'https://www.rfc-editor.org/rfc/rfc8628#section-3.4'),
    required: ['device_code'],
    optional: [],
    descriptions: { device_code: 'The device verification code from the device authorization response.' },
    yieldsRefreshToken: true,
    retrySafety: 'not-after-send',
  },
  {
    grantType: 'urn:ietf:params:oauth:grant-type:token-exchange',
    reference: rfc('RFC 8693 §2.1', 'https://www.rfc-editor.org/rfc/rfc8693#section-2.1'),
    required: ['subject_token', 'subject_token_type'],
    optional: ['resource', 'audience', 'scope', 'requested_token_type', 'actor_token', 'actor_token_type'],
    descriptions: {
      subject_token:
        'A security token that represents the identity of the party on behalf of whom the request is being made.',
      subject_token_type: 'An identifier of the type of the security token in subject_token.',
      resource: 'A URI of the target service or resource where the client intends to use the requested token.',
      audience: 'The logical name of the target service where the client intends to use the requested token.',
      scope: 'The scope of the requested token.',
      requested_token_type: 'An identifier for the type of the requested security token.',
      actor_token: 'A security token that represents the identity of the acting party.',
      actor_token_type: 'An identifier of the type of the security token in actor_token.',
    },
    yieldsRefreshToken: false,
    retrySafety: 'not-after-send',
  },
  {
    grantType: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    reference: rfc('RFC 7523 §2.1', 'https://www.rfc-editor.org/rfc/rfc7523#section-2.1'),
    required: ['assertion'],
    optional: ['scope'],
    descriptions: { assertion: 'A single JWT.', scope: 'The scope of the access request (RFC 6749 §3.3).' },
    yieldsRefreshToken: false,
    retrySafety: 'not-after-send',
  },
];

/** Parameters that authenticate the client rather than describe a grant (RFC 6749 §2.3, RFC 7523 §2.2). */
export const CLIENT_AUTH_FIELDS: ReadonlySet<string> = new Set([
  'client_id',
  'client_secret',
  'client_assertion',
  'client_assertion_type',
]);

/** Parameters that carry credentials or tokens; the generated client never lets them reach a message or log. */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  'client_secret',
  'client_assertion',
  'password',
  'refresh_token',
  'code',
  'code_verifier',
  'access_token',
  'id_token',
  'device_code',
  'subject_token',
  'actor_token',
  'assertion',
]);

/**
 * Members whose values are always secrets for this client, whatever the document says: the client secret, the
 * assertion of JWT client authentication (RFC 7523 §2.2: every token client can send one) and the tokens of a token
 * response (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3's id_token).
 */
export const ALWAYS_SECRET: readonly string[] = [
  'client_secret',
  'client_assertion',
  'access_token',
  'refresh_token',
  'id_token',
];

/**
 * Error codes of a token response (RFC 6749 §5.2), plus those of the extensions a grant brings in (`grant`: only
 * when the document has that grant): RFC 8628 §3.5 for the device flow, RFC 8707 §2 for token exchange's targets.
 */
export const OAUTH_ERROR_CODES: ReadonlyArray<{ code: string; grant?: string }> = [
  { code: 'invalid_request' },
  { code: 'invalid_client' },
  { code: 'invalid_grant' },
  { code: 'unauthorized_client' },
  { code: 'unsupported_grant_type' },
  { code: 'invalid_scope' },
  { code: 'authorization_pending', grant: 'urn:ietf:params:oauth:grant-type:device_code' },
  { code: 'slow_down', grant: 'urn:ietf:params:oauth:grant-type:device_code' },
  { code: 'access_denied', grant: 'urn:ietf:params:oauth:grant-type:device_code' },
  { code: 'expired_token', grant: 'urn:ietf:params:oauth:grant-type:device_code' },
  { code: 'invalid_target', grant: 'urn:ietf:params:oauth:grant-type:token-exchange' },
];

/** Every parameter some registered grant sends; any other body field is shared by all grants. */
export const GRANT_SPECIFIC_FIELDS: ReadonlySet<string> = new Set(
  REGISTERED_GRANTS.flatMap((grant) => [...grant.required, ...grant.optional]).filter((name) => name !== 'scope'),
);

/** Looks up a registered grant by its `grant_type` value. */
export function findRegisteredGrant(grantType: string): RegisteredGrant | undefined {
  return REGISTERED_GRANTS.find((grant) => grant.grantType === grantType);
}
