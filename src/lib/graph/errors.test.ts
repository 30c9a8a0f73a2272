import { describe, expect, it } from 'vitest';
import { describeAuthError, describeHttpError, errorText, redactSecrets } from './errors.ts';

/** MSAL's errors carry `errorCode` and the service's text; these imitate what it throws. */
function msalError(errorCode: string, message: string) {
  return Object.assign(new Error(message), { errorCode, subError: '' });
}

describe('sign-in errors in plain words', () => {
  const ctx = { redirectUri: 'https://tools.contoso.com/ht/redirect.html' };
  it.each([
    ['50011', /Single-page application.*https:\/\/tools\.contoso\.com\/ht\/redirect\.html/],
    ['65001', /Grant admin consent/],
    ['90094', /Global Administrator or Privileged Role Administrator/],
    ['50194', /tenant ID or a verified domain/],
    ['9002326', /"Web" platform.*"Single-page application"/],
    ['700016', /No app with this Application \(client\) ID/],
  ])('AADSTS%s', (code, expected) => {
    const e = describeAuthError(
      msalError(
        'invalid_request',
        `AADSTS${code}: Something went wrong. Trace ID: 1 Correlation ID: 2 Timestamp: 2026-11-23`,
      ),
      ctx,
    );
    expect(e.kind).toBe('auth');
    expect(e.code).toBe(`AADSTS${code}`);
    expect(e.message).toMatch(expected);
    expect(e.message).toContain(`(AADSTS${code})`);
  });

  it('keeps the service text for an AADSTS code it does not know', () => {
    const e = describeAuthError(
      msalError('server_error', 'AADSTS123456: The moon is in the wrong phase.\nTrace ID: x'),
    );
    expect(e.message).toBe('Sign-in failed (AADSTS123456): The moon is in the wrong phase');
  });

  it('explains a blocked pop-up and a closed window', () => {
    expect(describeAuthError(msalError('popup_window_error', 'Error opening popup window.')).message).toMatch(
      /Allow pop-ups/,
    );
    expect(describeAuthError(msalError('user_cancelled', 'User cancelled the flow.')).message).toMatch(
      /closed/,
    );
    expect(describeAuthError(msalError('timed_out', 'Timed out')).message).toMatch(/redirect\.html/);
  });

  it('never repeats a token or an authorization code', () => {
    const e = describeAuthError(
      new Error(
        'Failed at https://x/redirect.html?code=0.AAAA-secret-code&state=abc with Bearer eyJhbGciOi.eyJzdWIiOi.sig and access_token=abc.def',
      ),
    );
    const text = errorText(e) + (e.detail ?? '');
    expect(text).not.toContain('0.AAAA-secret-code');
    expect(text).not.toContain('eyJhbGciOi.eyJzdWIiOi.sig');
    expect(text).not.toContain('abc.def');
    expect(text).toContain('code=[redacted]');
  });
});

describe('Graph HTTP errors', () => {
  it('names the sync role for a refused onPremisesSynchronization read', () => {
    const e = describeHttpError(
      403,
      '{"error":{"code":"Authorization_RequestDenied","message":"Insufficient privileges"}}',
      '/directory/onPremisesSynchronization',
    );
    expect(e.message).toMatch(/Hybrid Identity Administrator/);
  });
  it('survives a body that is not JSON', () => {
    const e = describeHttpError(502, '<html>Bad gateway</html>', '/users?$top=999');
    expect(e.message).toMatch(/problem on its side \(502\)/);
    expect(e.request).toBe('GET /users');
  });
  it('redacts on its own too', () => {
    expect(redactSecrets('Authorization: Bearer abc.def-ghi')).toBe('Authorization: Bearer [redacted]');
    expect(redactSecrets('#id_token=xyz&state=1')).toBe('#id_token=[redacted]&state=1');
  });
});
