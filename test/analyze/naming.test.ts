import { describe, expect, it } from 'vitest';
import { camelCase, dedupe, lastSegment, pascalCase, safeIdentifier } from '../../generator/analyze/naming.js';

describe('naming', () => {
  it.each([
    ['client_credentials', 'clientCredentials', 'ClientCredentials'],
    ['token-exchange', 'tokenExchange', 'TokenExchange'],
    ['getHTTPResponse', 'getHttpResponse', 'GetHttpResponse'],
    ['Etc/GMT+1', 'etcGmt1', 'EtcGmt1'],
    ['größe_wert', 'größeWert', 'GrößeWert'],
  ])('%s → %s / %s', (input, camel, pascal) => {
    expect(camelCase(input)).toBe(camel);
    expect(pascalCase(input)).toBe(pascal);
  });
  it('takes the last segment of grant identifiers', () => {
    expect(lastSegment('urn:ietf:params:oauth:grant-type:device_code')).toBe('device_code');
    expect(lastSegment('https://example.com/grants/delegation')).toBe('delegation');
    expect(lastSegment('password')).toBe('password');
  });
  it('makes reserved words, leading digits and empty names safe', () => {
    expect(safeIdentifier('delete', 'grant')).toBe('deleteGrant');
    expect(safeIdentifier('__proto__', 'field')).toBe('__proto__Field');
    expect(safeIdentifier('1st', 'grant')).toBe('grant1st');
    expect(safeIdentifier('', 'grant')).toBe('grant');
  });
  it('dedupes in input order, deterministically', () => {
    expect(dedupe(['a', 'a', 'b', 'a'], ['b'])).toEqual(['a', 'a2', 'b2', 'a3']);
  });
});
