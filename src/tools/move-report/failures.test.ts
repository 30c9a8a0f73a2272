import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readCsv } from '../../lib/csv/read.ts';
import { findKnownError, groupFailures, summariseFailures } from './failures.ts';
import type { FailureGroup } from './types.ts';
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

describe('summariseFailures', () => {
  const group = (failureType: string, count: number): FailureGroup => ({
    failureType,
    count,
    failedMoves: count,
    bySide: {},
    lastMessage: '',
    lastAt: null,
    lastMailbox: '',
    mailboxes: [],
    moveIndices: [],
  });
  // Six types, 24 moves: the shape of a report whose printout once listed five types and 22 moves.
  const six = [group('A', 8), group('B', 5), group('C', 4), group('D', 3), group('E', 2), group('F', 2)];

  it('lists every type when they fit', () => {
    const s = summariseFailures(six, 6);
    expect(s.shown.map((g) => g.failureType)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect([s.moreTypes, s.moreMoves, s.moves]).toEqual([0, 0, 24]);
  });

  it('names what it leaves out, so the listed moves and the rest add up', () => {
    const s = summariseFailures(six, 5);
    expect(s.shown.map((g) => g.failureType)).toEqual(['A', 'B', 'C', 'D']);
    expect([s.moreTypes, s.moreMoves]).toEqual([2, 4]);
    expect(s.shown.reduce((n, g) => n + g.count, 0) + s.moreMoves).toBe(s.moves);
  });

  it('never says "1 more type": one left-over type is listed itself', () => {
    const s = summariseFailures(six.slice(0, 5), 5);
    expect(s.moreTypes).toBe(0);
    expect(s.shown).toHaveLength(5);
  });
});
