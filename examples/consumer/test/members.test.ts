// The app's own tests, written with the test kit generated beside the client (src/wealthcare/testing.ts): a fake
// WealthCare token endpoint, and MSW 2 (a devDependency of these tests only) for the members API.
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMembersService } from '../src/members.js';
import { createFakeAuthorizationServer, createMockApi, mockOperation } from '../src/wealthcare/testing.js';

const API = 'https://members.example.test';
const credentials = { clientId: 'app', clientSecret: 'test-secret' };
const fake = createFakeAuthorizationServer({ clients: [credentials] });
const members = mockOperation(
  { method: 'GET', path: '/v1/members', bearer: 'required', response: { status: 200, body: [] } },
  () => ({ body: [{ id: '1', name: 'Ada' }] }),
);
const api = createMockApi({ baseUrl: API, mocks: [members], authorization: fake });

const server = setupServer(...fake.mswHandlers({ http, HttpResponse }), ...api.mswHandlers({ http }));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('listMembers, through MSW', () => {
  it('lists members with a bearer token from WealthCare', async () => {
    const service = createMembersService({ ...credentials, apiBaseUrl: API });
    expect(await service.listMembers()).toEqual({ ok: true, members: [{ id: '1', name: 'Ada' }] });
    expect(fake.requests.at(-1)).toMatchObject({ grantType: 'client_credentials', clientId: 'app' });
  });

  it('reports unauthorized when WealthCare refuses the client', async () => {
    const service = createMembersService({ ...credentials, clientSecret: 'wrong', apiBaseUrl: API });
    expect(await service.listMembers()).toEqual({ ok: false, reason: 'unauthorized' });
  });

  it('rides out a 503 with Retry-After, and reports unavailable when WealthCare stays down', async () => {
    fake.failNext({ status: 503, retryAfter: 0 });
    expect((await createMembersService({ ...credentials, apiBaseUrl: API }).listMembers()).ok).toBe(true);
    for (let i = 0; i < 3; i++) fake.failNext({ status: 503, retryAfter: 0 });
    expect(await createMembersService({ ...credentials, apiBaseUrl: API }).listMembers()).toEqual({
      ok: false,
      reason: 'unavailable',
    });
  });
});

describe('listMembers, with the kit injected as fetch', () => {
  it('renews a token the API rejects mid-flight', async () => {
    const service = createMembersService({ ...credentials, apiBaseUrl: API, fetch: api.fetch });
    expect((await service.listMembers()).ok).toBe(true);
    const token = members.calls.at(-1)!.headers.authorization!.replace('Bearer ', '');
    fake.expire(token);
    expect((await service.listMembers()).ok).toBe(true);
    expect(members.calls.at(-1)!.headers.authorization).not.toBe(`Bearer ${token}`);
  });
});
