/**
 * "Try with sample data": a generated Get-MoveRequestStatistics export of a migration half done (completed,
 * synced, in progress, failed and suspended moves in six batches) and its bad-items list. Loaded by the view on
 * demand, so the generator stays out of the tool's first chunk.
 */
import { generateMoves } from './generate.ts';

export const SAMPLE_MOVES = 1500;

export function sampleFiles(): { moves: File; badItems: File } {
  const g = generateMoves({ moves: SAMPLE_MOVES, seed: 5, batches: 6 });
  return {
    moves: new File([g.bytes as Uint8Array<ArrayBuffer>], 'sample-move-requests.csv'),
    badItems: new File([g.badItems.bytes as Uint8Array<ArrayBuffer>], 'sample-bad-items.csv'),
  };
}
