import { describe, expect, it } from 'vitest';
import {
  SETTINGS_KEY,
  canSignIn,
  checkSettings,
  loadSettings,
  redirectUriFor,
  saveSettings,
  type KeyValueStore,
} from './config.ts';

function memoryStore(initial: Record<string, string> = {}): KeyValueStore & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => void (data[k] = v),
    removeItem: (k) => void delete data[k],
  };
}

describe('app registration settings', () => {
  it('accepts a GUID client ID with a tenant GUID, domain or "organizations"', () => {
    for (const tenant of [
      '72F988BF-86F1-41AF-91AB-2D7CD011DB47',
      'contoso.onmicrosoft.com',
      'Contoso.DE',
      'organizations',
    ]) {
      const c = checkSettings({ clientId: ' {11111111-2222-3333-4444-555555555555} ', tenant });
      expect(c.isValid, tenant).toBe(true);
      expect(c.settings.clientId).toBe('11111111-2222-3333-4444-555555555555');
    }
  });

  it('takes the tenant out of a pasted authority URL', () => {
    const c = checkSettings({
      clientId: '11111111-2222-3333-4444-555555555555',
      tenant: 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0',
    });
    expect(c.settings.tenant).toBe('contoso.onmicrosoft.com');
  });

  it('says what is wrong', () => {
    const c = checkSettings({ clientId: 'my app', tenant: 'common' });
    expect(c.isValid).toBe(false);
    expect(c.errors.clientId).toMatch(/GUID/);
    expect(c.errors.tenant).toMatch(/personal or foreign accounts/);
    expect(checkSettings({ clientId: '', tenant: 'not a domain' }).errors.tenant).toMatch(
      /GUID \(Directory ID\) or a domain/,
    );
  });

  it('remembers only valid settings and falls back to the build defaults', () => {
    const store = memoryStore();
    const defaults = { clientId: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee', tenant: 'fabrikam.com' };
    expect(loadSettings(store, defaults)).toEqual(defaults);
    expect(saveSettings(store, { clientId: 'x', tenant: 'y' }).isValid).toBe(false);
    expect(store.data[SETTINGS_KEY]).toBeUndefined();
    saveSettings(store, { clientId: '11111111-2222-3333-4444-555555555555', tenant: 'contoso.com' });
    expect(loadSettings(store, defaults)).toEqual({
      clientId: '11111111-2222-3333-4444-555555555555',
      tenant: 'contoso.com',
    });
    expect(loadSettings(memoryStore({ [SETTINGS_KEY]: '{broken' }), defaults)).toEqual(defaults);
  });

  it('derives the redirect URI of the deployment and knows where sign-in cannot work', () => {
    expect(redirectUriFor('https://tools.contoso.com/ht/index.html?x=1#/risk-triage')).toBe(
      'https://tools.contoso.com/ht/redirect.html',
    );
    expect(redirectUriFor('https://contoso.github.io/hybrid-toolbox/#/sync-check')).toBe(
      'https://contoso.github.io/hybrid-toolbox/redirect.html',
    );
    expect(canSignIn('file:///C:/Users/admin/Downloads/hybrid-toolbox.html')).toBe(false);
    expect(canSignIn('http://intranet.contoso.local/ht/')).toBe(false);
    expect(canSignIn('http://localhost:4173/')).toBe(true);
    expect(canSignIn('https://tools.contoso.com/')).toBe(true);
  });
});
