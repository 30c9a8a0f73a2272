/**
 * Graph `/users` JSON in the shapes admins save it: one page (`{"value": [...], "@odata.nextLink": …}`), an
 * array of pages, a plain array of users (ConvertTo-Json of Get-MgUser), or one user object. A page that still
 * has `@odata.nextLink` at the end means the export stopped early.
 */
import { decodeText } from '../../lib/csv/decode.ts';
import type { NamedBytes } from '../../lib/issue.ts';
import type { SyncIssue } from './types.ts';

export interface GraphUsers {
  users: Record<string, unknown>[];
  issues: SyncIssue[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isPage(v: unknown): v is Record<string, unknown> & { value: unknown[] } {
  return isObject(v) && Array.isArray(v.value);
}

/** Collects user objects from any of the shapes; `file` names the source in issues. */
export function collectGraphUsers(data: unknown, file: string): GraphUsers {
  const users: Record<string, unknown>[] = [];
  const issues: SyncIssue[] = [];
  let lastNextLink: string | undefined;
  let skipped = 0;
  const addUsers = (list: unknown[]) => {
    for (const u of list) {
      if (isObject(u)) users.push(u);
      else skipped++;
    }
  };
  const addPage = (page: Record<string, unknown> & { value: unknown[] }) => {
    addUsers(page.value);
    const next = page['@odata.nextLink'];
    lastNextLink = typeof next === 'string' ? next : undefined;
  };
  if (isPage(data)) addPage(data);
  else if (Array.isArray(data)) {
    for (const item of data) {
      if (isPage(item)) addPage(item);
      else if (isObject(item)) {
        users.push(item);
        lastNextLink = undefined;
      } else skipped++;
    }
  } else if (isObject(data)) users.push(data);
  else {
    issues.push({
      code: 'not-users',
      severity: 'error',
      file,
      message: 'The JSON holds neither users nor /users pages.',
    });
  }
  if (skipped) {
    issues.push({
      code: 'not-users',
      severity: 'warning',
      file,
      message: `${skipped} entries are not user objects and were skipped.`,
    });
  }
  if (lastNextLink) {
    issues.push({
      code: 'incomplete-pages',
      severity: 'warning',
      file,
      message:
        'The last page still has @odata.nextLink: Graph had more users that this file does not contain.',
      hint: 'Follow @odata.nextLink until it is absent and save every page, or use Get-MgUser -All.',
    });
  }
  return { users, issues };
}

/** True when the decoded text starts like JSON rather than CSV. */
export function looksLikeJson(text: string): boolean {
  for (let i = 0; i < text.length && i < 4096; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfeff || c === 32 || c === 9 || c === 10 || c === 13) continue;
    return c === 123 || c === 91; // { [
  }
  return false;
}

export function parseGraphJsonText(text: string, file: string): GraphUsers {
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    return {
      users: [],
      issues: [
        { code: 'bad-json', severity: 'error', file, message: `Not valid JSON: ${(e as Error).message}.` },
      ],
    };
  }
  return collectGraphUsers(data, file);
}

export function parseGraphJson(file: NamedBytes): GraphUsers {
  const decoded = decodeText(file.bytes, file.name);
  const out = parseGraphJsonText(decoded.text, file.name);
  out.issues.unshift(...decoded.issues);
  return out;
}
