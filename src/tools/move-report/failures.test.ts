import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { findKnownError, groupFailures } from './failures.ts';
import { parseMoves } from './parse.ts';

const load = (name: string) =>
  parseMoves(
    readCsv(new Uint8Array(readFileSync(new URL(`./fixtures/${name}`, import.meta.url))), { file: name }),
    name,
  ).moves;

describe('findKnownError', () => {
  it('knows the Sync Source mode failure by its message, whatever the type', () => {
    const k = findKnownError('SourceMailboxAlreadyBeingMovedTransientException', [
      "Error: Couldn't switch the mailbox into Sync Source mode.\nThis could be because of one of the following reasons:",
    ])!;
    expect(k.id).toBe('sync-source-mode');
    expect(k.cause).toMatch(/in-transit flag in memory/);
    expect(k.fix).toMatch(/Fail the source database over to another DAG member \(or dismount and mount it\)/);
    expect(k.fix).toMatch(/Waiting hours or restarting servers is not needed/);
    expect(k.powershell).toContain('Move-ActiveMailboxDatabase');
  });

  it('maps the common types to their fix', () => {
    expect(findKnownError('TooManyBadItemsPermanentException', [])!.fix).toMatch(
      /Raise BadItemLimit.*approve the skipped items/,
    );
    expect(findKnownError('TooManyBadItemsPermanentException', [])!.powershell).toContain(
      '-ApproveSkippedItems',
    );
    expect(findKnownError('CommunicationErrorTransientException', [])!.fix).toMatch(/^Resume the move/);
    expect(
      findKnownError('SourceMailboxAlreadyBeingMovedTransientException', [
        'The mailbox is already being moved.',
      ])!.id,
    ).toBe('source-already-being-moved');
    expect(findKnownError('CannotEnterFinalizationTransientException', [])!.id).toBe(
      'cannot-enter-finalization',
    );
    expect(findKnownError('SomethingNewTransientException', [])!.id).toBe('transient');
    expect(findKnownError('SomethingNewPermanentException', ['nobody knows'])).toBeUndefined();
  });

  it('reads well-known messages under generic types', () => {
    expect(
      findKnownError('MigrationPermanentException', ["Target user 'Anna' already has a primary mailbox."])!
        .id,
    ).toBe('target-already-has-mailbox');
    expect(
      findKnownError('MailboxReplicationPermanentException', [
        "Target mailbox doesn't have an SMTP proxy matching 'contoso.mail.onmicrosoft.com'.",
      ])!.id,
    ).toBe('smtp-proxy-missing');
    expect(findKnownError('UpdateMovedMailboxPermanentException', [])!.fix).toMatch(/inheritance/);
  });
});

describe('groupFailures', () => {
  it('groups by FailureType with the newest message, sides and the known fix', () => {
    const groups = groupFailures(load('onprem2013-de-DE-utf16.csv'));
    expect(groups).toHaveLength(1);
    const g = groups[0]!;
    expect(g.failureType).toBe('SourceMailboxAlreadyBeingMovedTransientException');
    expect(g.count).toBe(1);
    expect(g.failedMoves).toBe(1);
    expect(g.bySide).toEqual({ Source: 1 });
    expect(g.lastMailbox).toBe('Sören Öst');
    expect(g.lastAt).toBe(Date.UTC(2026, 10, 13, 8, 20));
    expect(g.known!.id).toBe('sync-source-mode');
  });

  it('keeps the newest of several messages and lists Failed moves without a type apart', () => {
    const moves = load('exo-raw-en-US.csv');
    const extra = [
      { ...moves[2]!, name: 'Old', message: 'old message', failedAt: Date.UTC(2026, 0, 1) },
      { ...moves[2]!, name: 'New', message: 'new message', failedAt: Date.UTC(2027, 0, 1) },
      { ...moves[0]!, name: 'Untyped', status: 'Failed', failureType: '', message: '' },
    ];
    const groups = groupFailures([...moves, ...extra]);
    expect(groups.map((g) => [g.failureType, g.count])).toEqual([
      ['TooManyBadItemsPermanentException', 3],
      ['(no FailureType)', 1],
    ]);
    expect(groups[0]!.lastMessage).toBe('new message');
    expect(groups[0]!.lastMailbox).toBe('New');
    expect(groups[0]!.mailboxes).toEqual(['Carla Díaz', 'Old', 'New']);
  });
});
