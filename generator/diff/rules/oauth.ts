import type { ChangeList } from '../change-list.js';
import { pointer } from '../resolve.js';
import type { OAuthView } from '../types.js';

/**
 * The analyzer's OAuth view, i.e. the generated grant helpers: a grant removed is breaking (its helper goes away),
 * one added is info; a field a grant now requires is breaking (the old helper does not send it); a field removed
 * is breaking if it was required, else a warning; a required field made optional is info. Endpoints pair by method
 * and path; when each view has exactly one token endpoint they pair even if it moved (the path rules report the move).
 */
export function diffOAuth(oldView: OAuthView, newView: OAuthView, out: ChangeList): void {
  const single = oldView.tokenEndpoints.length === 1 && newView.tokenEndpoints.length === 1;
  for (const oldEndpoint of oldView.tokenEndpoints) {
    const newEndpoint =
      newView.tokenEndpoints.find(
        (endpoint) =>
          endpoint.path === oldEndpoint.path && endpoint.method.toLowerCase() === oldEndpoint.method.toLowerCase(),
      ) ?? (single ? newView.tokenEndpoints[0] : undefined);
    if (!newEndpoint) continue;
    const oldAt = pointer('paths', oldEndpoint.path, oldEndpoint.method.toLowerCase());
    const newAt = pointer('paths', newEndpoint.path, newEndpoint.method.toLowerCase());
    const name = `${newEndpoint.method.toUpperCase()} ${newEndpoint.path}`;
    for (const oldGrant of oldEndpoint.grants) {
      const newGrant = newEndpoint.grants.find((grant) => grant.grantType === oldGrant.grantType);
      if (!newGrant) {
        out.add(
          'oauth-grant-removed',
          `The ${oldGrant.grantType} grant of ${name} is gone; its helper will no longer be generated.`,
          { oldPointer: oldAt },
        );
        continue;
      }
      const grant = newGrant.grantType;
      const oldFields = new Set([...oldGrant.requiredFields, ...oldGrant.optionalFields]);
      const newFields = new Set([...newGrant.requiredFields, ...newGrant.optionalFields]);
      for (const field of newGrant.requiredFields) {
        if (!oldGrant.requiredFields.includes(field))
          out.add('oauth-grant-required-field-added', `The ${grant} grant of ${name} now requires \`${field}\`.`, {
            newPointer: newAt,
          });
      }
      for (const field of newGrant.optionalFields) {
        if (!oldFields.has(field))
          out.add('oauth-grant-field-added', `The ${grant} grant of ${name} can now send \`${field}\`.`, {
            newPointer: newAt,
          });
        else if (oldGrant.requiredFields.includes(field))
          out.add(
            'oauth-grant-field-became-optional',
            `The ${grant} grant of ${name} no longer requires \`${field}\`.`,
            { oldPointer: oldAt, newPointer: newAt },
          );
      }
      for (const field of oldFields) {
        if (newFields.has(field)) continue;
        const wasRequired = oldGrant.requiredFields.includes(field);
        out.add(
          wasRequired ? 'oauth-grant-required-field-removed' : 'oauth-grant-field-removed',
          `The ${grant} grant of ${name} no longer sends \`${field}\`.`,
          { oldPointer: oldAt },
        );
      }
    }
    for (const newGrant of newEndpoint.grants) {
      if (!oldEndpoint.grants.some((grant) => grant.grantType === newGrant.grantType))
        out.add('oauth-grant-added', `A ${newGrant.grantType} grant was added to ${name}.`, {
          newPointer: newAt,
        });
    }
  }
}
