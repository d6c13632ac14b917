import type { GeneratorIR, TokenEndpointIR } from '../analyze/ir.js';

/**
 * What the generated `testing.ts` passes to the fake authorization server of the test kit: the token endpoint as
 * the document describes it. Structurally the runtime's `FakeEndpointSpec` (templates/runtime/testing.ts; the
 * generator cannot import the runtime's types across its rootDir, so test/testkit checks the two agree).
 */
export interface FakeEndpointSpecData {
  defaultBaseUrl?: string;
  tokenPath: string;
  clientAuthentication: readonly string[];
  grants: readonly { grantType: string; required: readonly string[]; issuesRefreshToken: boolean }[];
  scopes: readonly string[];
  secretParameters: readonly string[];
}

/**
 * Derives the fake server's description of `endpoint` from the IR: every grant with the wire names of the fields
 * it requires (by the RFC or the document), whether it issues refresh tokens (only when the document also has the
 * refresh_token grant), the accepted client authentication methods and the document's scopes.
 */
export function fakeEndpointSpec(
  ir: GeneratorIR,
  endpoint: TokenEndpointIR,
  secretParameters: readonly string[],
): FakeEndpointSpecData {
  const refreshable = endpoint.grants.some((grant) => grant.grantType === 'refresh_token');
  return {
    ...(ir.defaultBaseUrl !== undefined ? { defaultBaseUrl: ir.defaultBaseUrl } : {}),
    tokenPath: endpoint.path,
    clientAuthentication: endpoint.clientAuthentication.supported,
    grants: endpoint.grants.map((grant) => ({
      grantType: grant.grantType,
      required: grant.fields.filter((field) => field.required).map((field) => field.name),
      issuesRefreshToken: refreshable && grant.yieldsRefreshToken,
    })),
    scopes: ir.scopes.map((scope) => scope.name),
    secretParameters,
  };
}
