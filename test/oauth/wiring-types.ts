/** The shape of a generated grants.ts's bound helper, for tests that import a temporary output dynamically. */
import type { AuthorizationRequest, AuthorizationRequestOptions } from '../../templates/runtime/authorize.js';

export declare function buildAuthorizationRequest(
  options: Omit<AuthorizationRequestOptions, 'authorizationEndpoint'> & { authorizationEndpoint?: string | URL },
): Promise<AuthorizationRequest>;
