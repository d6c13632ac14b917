import type { GeneratorIR } from '../analyze/ir.js';
import type { OAuthView } from './types.js';

/** The OAuth view of an analyzed document, as the diff compares it. */
export function oauthView(ir: GeneratorIR): OAuthView {
  return {
    tokenEndpoints: ir.tokenEndpoints.map((endpoint) => ({
      method: endpoint.method,
      path: endpoint.path,
      grants: endpoint.grants.map((grant) => ({
        grantType: grant.grantType,
        requiredFields: grant.fields.filter((field) => field.required).map((field) => field.name),
        optionalFields: grant.fields.filter((field) => !field.required).map((field) => field.name),
      })),
    })),
  };
}
