/**
 * A DMARC failure report (RFC 6591) whose original headers are 8-bit ISO-8859-1, as some reporters send them: each
 * accented letter is one byte that is not UTF-8, so any read of the mail as text on the way loses it. The original
 * message's subject is `Überweisung für Café Müller`, from `Jürgen Müller <rechnung@contoso.com>`.
 */
export function latin1FailureReport(): Buffer {
  return Buffer.from(
    [
      'From: DMARC Reporter <noreply-dmarc@mail.fabrikam.example>',
      'To: dmarc-ruf@contoso.com',
      'Subject: DMARC failure report for contoso.com',
      'Date: Tue, 01 Dec 2026 10:00:00 +0000',
      'Message-ID: <ruf-8bit-1@mail.fabrikam.example>',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=feedback-report; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      'Bericht über eine fehlgeschlagene Prüfung für contoso.com.',
      '',
      '--b1',
      'Content-Type: message/feedback-report',
      '',
      'Feedback-Type: auth-failure',
      'User-Agent: fabrikam-ruf/1.0',
      'Version: 1',
      'Original-Mail-From: <rechnung@contoso.com>',
      'Arrival-Date: Tue, 01 Dec 2026 09:58:00 +0000',
      'Source-IP: 203.0.113.45',
      'Reported-Domain: contoso.com',
      'Auth-Failure: dmarc',
      '',
      '--b1',
      'Content-Type: text/rfc822-headers; charset=iso-8859-1',
      'Content-Transfer-Encoding: 8bit',
      '',
      'From: Jürgen Müller <rechnung@contoso.com>',
      'To: kunde@fabrikam.example',
      'Subject: Überweisung für Café Müller',
      'Date: Tue, 01 Dec 2026 09:57:00 +0000',
      'Message-ID: <orig-8bit-1@contoso.com>',
      '',
      '--b1--',
      '',
    ].join('\r\n'),
    'latin1',
  );
}
