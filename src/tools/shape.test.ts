import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTool, libImportsOfTools, toolIds } from '../../tests/support/tool-shape.ts';

/*
 * Every folder under src/tools has the one tool shape (docs/ARCHITECTURE.md, "Tool shape"; the checks are in
 * tests/support/tool-shape.ts). `npm run new-tool -- <id>` writes a folder that passes.
 */

const ROOT = resolve(import.meta.dirname, '../..');

/**
 * Where a tool still departs from the state contract or the file list, while its owners bring it into line. A
 * departure not listed fails the test, and so does a listed one that is gone: delete its line then, so the list
 * stays true. It only shrinks; a new tool never goes here.
 */
const KNOWN_DEPARTURES: Record<string, string[]> = {};

describe('the tool shape', () => {
  const ids = toolIds(ROOT);

  it('finds the tools, and lists departures only for tools that exist', () => {
    expect(ids.length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(KNOWN_DEPARTURES).filter((id) => !ids.includes(id))).toEqual([]);
  });

  it('keeps lib/ free of tool knowledge: nothing under src/lib imports a tool', () => {
    expect(libImportsOfTools(ROOT)).toEqual([]);
  });

  describe.each(ids)('%s', (id) => {
    it('has every file of the shape, keeps to its rooms and names', async () => {
      expect((await checkTool(ROOT, id)).problems).toEqual([]);
    });

    it('keeps the state contract, or departs only where listed', async () => {
      const { departures } = await checkTool(ROOT, id);
      expect(departures.sort()).toEqual([...(KNOWN_DEPARTURES[id] ?? [])].sort());
    });
  });
});
