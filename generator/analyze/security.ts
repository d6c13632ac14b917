/** Reading the security of a document: its schemes and the requirements in force for an operation. */
import { isObject, members, type JsonObject } from '../shared/json.js';

/** `components.securitySchemes`, or an empty object. */
export function securitySchemesOf(root: JsonObject): JsonObject {
  return members(members(root.components).securitySchemes);
}

/**
 * The security requirements in force for an operation: its own `security` when it has one (an empty list too: no
 * security), else the document's (OpenAPI 3.1 §4.8.4.1). Entries that are not objects are left out.
 */
export function requirementsOf(root: JsonObject, operation: JsonObject): JsonObject[] {
  const requirements = Array.isArray(operation.security)
    ? operation.security
    : Array.isArray(root.security)
      ? root.security
      : [];
  return requirements.filter(isObject);
}
