/**
 * The two mails of the job: the detailed one for the security team (the whole ticket) and the short one for the
 * service desk (who may be blocked, what to tell them). Both as plain text and HTML in one MIME message, which
 * Graph's `sendMail` takes base64-encoded. Every value from Graph is escaped for HTML, and header values are
 * encoded words, so a display name can neither inject markup nor a mail header. No secret goes into a mail.
 */
import { cleanText, ticketParts, ticketPlain } from '../formats.ts';
import type { TriagedUser } from '../types.ts';

export interface MailBody {
  subject: string;
  text: string;
  html: string;
}

export function htmlEscape(s: string): string {
  return cleanText(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

const oneLine = (s: string) =>
  cleanText(s)
    .replace(/[\r\n\t]+/g, ' ')
    .trim();

function who(u: TriagedUser): string {
  return u.displayName ? `${u.displayName} (${u.userPrincipalName || u.id})` : u.userPrincipalName || u.id;
}

function page(title: string, inner: string): string {
  return (
    `<!doctype html><html><head><meta charset="utf-8"><title>${htmlEscape(title)}</title></head>` +
    `<body style="font-family:Segoe UI,Arial,sans-serif;font-size:14px">${inner}</body></html>`
  );
}

/** The security team's mail: the full ticket (facts, detections, steps, PowerShell, links). */
export function securityMail(u: TriagedUser, change: 'new' | 'updated'): MailBody {
  const t = ticketParts(u);
  const subject = oneLine(`${change === 'updated' ? '[Update] ' : ''}${t.title}`);
  const rows = t.facts.map(
    ([k, v]) => `<tr><th align="left">${htmlEscape(k)}</th><td>${htmlEscape(v)}</td></tr>`,
  );
  const list = (items: string[]) => `<ul>${items.map((i) => `<li>${htmlEscape(i)}</li>`).join('')}</ul>`;
  const code = (c: string) =>
    `<pre style="background:#f4f4f4;padding:8px">${htmlEscape(c).replace(/\n/g, '<br>')}</pre>`;
  const html = page(
    subject,
    [
      `<h2>${htmlEscape(subject)}</h2>`,
      `<table cellpadding="4">${rows.join('')}</table>`,
      `<h3>Detections (${t.detections.length}, newest first)</h3>`,
      t.detections.length ? list(t.detections) : '<p>(none in the data read)</p>',
      ...(t.signIns.length ? [`<h3>Risky sign-ins (${t.signIns.length})</h3>`, list(t.signIns)] : []),
      '<h3>Service-desk steps</h3>',
      `<ol>${t.steps.map((s) => `<li>${htmlEscape(s)}</li>`).join('')}</ol>`,
      '<h3>Follow-up in Microsoft Graph PowerShell</h3>',
      code(t.cloudCommands),
      ...(t.onPremCommands
        ? ['<h3>Password reset on-premises (synced from AD)</h3>', code(t.onPremCommands)]
        : []),
      `<p>${t.links.map(([k, v]) => `<a href="${htmlEscape(v)}">${htmlEscape(k)}</a>`).join(' · ')}</p>`,
    ].join('\n'),
  );
  return { subject, text: ticketPlain(u), html };
}

/** The service desk's mail: who, whether they may be blocked, what to tell them, where the password is reset. */
export function serviceDeskMail(
  u: TriagedUser,
  change: 'new' | 'updated',
  manager?: { displayName: string; mail: string },
): MailBody {
  const name = oneLine(who(u));
  const closed = !u.isOpen;
  const subject = closed
    ? `Risk closed (${oneLine(u.riskState ?? 'closed')}): ${name}`
    : `${change === 'updated' ? 'Still at risk' : 'At risk'} (P${u.priority}): ${name} may be blocked at sign-in`;
  const reset =
    u.isSynced === true
      ? 'The account is synced from on-premises AD: a password reset must be done on-premises (AD), not in the cloud.'
      : u.isSynced === false
        ? 'The account is cloud-only: the password is reset in Entra.'
        : 'Whether the account is synced from AD is not known: check before resetting the password.';
  const lines = closed
    ? [
        `${name}: the risk is now "${oneLine(u.riskState ?? '')}". Sign-in works normally again.`,
        'Nothing to do unless the user calls.',
      ]
    : [
        `${name} may be blocked at sign-in or asked to change the password (risk level ${oneLine(u.riskLevel ?? u.effectiveLevel)}, priority P${u.priority}).`,
        'If the user calls:',
        '- Verify the caller through a channel you already trust (call back the number in the directory, or in person).',
        '- Tell them: "Your account showed sign-in activity that may not have been you. The security team is checking it and will contact you. Do not approve sign-in requests you did not start."',
        '- Do not reset the password or remove the block yourself unless the security team asks you to.',
        reset,
        ...(manager?.displayName
          ? [`Manager: ${oneLine(manager.displayName)}${manager.mail ? ` (${oneLine(manager.mail)})` : ''}.`]
          : []),
        ...(u.adminRoles?.length
          ? [
              `The user holds admin roles (${oneLine(u.adminRoles.join(', '))}): hand the call to the security team.`,
            ]
          : []),
      ];
  const text = [subject, '', ...lines, ''].join('\n');
  const html = page(
    subject,
    `<h2>${htmlEscape(subject)}</h2>` +
      lines
        .map((l) => (l.startsWith('- ') ? `<li>${htmlEscape(l.slice(2))}</li>` : `<p>${htmlEscape(l)}</p>`))
        .join('\n')
        .replace(/(<li>[\s\S]*<\/li>)/, '<ul>$1</ul>'),
  );
  return { subject, text, html };
}

function base64Lines(text: string): string {
  const b64 = Buffer.from(text, 'utf8').toString('base64');
  return b64.replace(/.{1,76}/g, '$&\r\n');
}

/** RFC 2047 encoded word (UTF-8, base64): any character is safe in a header this way, CR and LF included. */
export function encodedWord(text: string): string {
  return `=?UTF-8?B?${Buffer.from(oneLine(text), 'utf8').toString('base64')}?=`;
}

const ADDRESS = /^[^\s@<>()[\]\\,;:"]+@[a-z0-9.-]+\.[a-z]{2,63}$/i;

export function isMailAddress(s: string): boolean {
  return ADDRESS.test(s) && s.length <= 254;
}

/** A multipart/alternative message (plain text first, HTML preferred by mail clients). */
export function mimeMessage(o: { from: string; to: string; body: MailBody; boundary?: string }): string {
  if (!isMailAddress(o.from) || !isMailAddress(o.to)) throw new TypeError('Not a mail address.');
  const b = o.boundary ?? `ht-${Math.random().toString(36).slice(2)}-${Date.now().toString(36)}`;
  return [
    `From: ${o.from}`,
    `To: ${o.to}`,
    `Subject: ${encodedWord(o.body.subject)}`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/alternative; boundary="${b}"`,
    '',
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(o.body.text),
    `--${b}`,
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    base64Lines(o.body.html),
    `--${b}--`,
    '',
  ].join('\r\n');
}
