import { describe, expect, it } from 'vitest';
import { graphWord } from './graph-words.ts';

describe('graphWord', () => {
  it('says Graph enum values in words, unknownFutureValue included', () => {
    expect(graphWord('unknownFutureValue')).toBe('unknown (a value newer than this tool)');
    expect(graphWord('atRisk')).toBe('at risk');
    expect(graphWord('confirmedCompromised')).toBe('confirmed compromised');
    expect(graphWord('adminDismissedAllRiskForUser')).toBe('admin dismissed all risk for the user');
    expect(graphWord('nearRealtime')).toBe('near real-time');
    expect(graphWord('hidden')).toBe('hidden (needs Entra ID P2)');
  });

  it('splits a value new to the table at its capitals, and keeps acronyms', () => {
    expect(graphWord('adminConfirmedSomethingNew')).toBe('admin confirmed something new');
    expect(graphWord('userPassedFIDO2Check')).toBe('user passed FIDO2 check');
  });

  it('treats names of Object members as values like any other', () => {
    expect(graphWord('constructor')).toBe('constructor');
    expect(graphWord('__proto__')).toBe('__proto__');
    expect(graphWord(null)).toBe('');
  });
});
