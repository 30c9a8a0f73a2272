import { describe, expect, it } from 'vitest';
import { searchTools } from './search.ts';
import type { ToolInfo } from '../tools/types.ts';

const tool = (id: string, title: string, summary: string, keywords: string[]): ToolInfo => ({
  id,
  title,
  summary,
  keywords,
  load: () => Promise.reject(new Error('not loaded in tests')),
});
const tools = [
  tool('dmarc', 'DMARC analyzer', 'Aggregate reports', ['rua', 'SPF', 'DKIM']),
  tool('immutable-id', 'ImmutableID converter', 'GUID to ImmutableID', ['objectGUID', 'sourceAnchor']),
];

describe('searchTools', () => {
  it('finds by keyword prefix', () =>
    expect(searchTools(tools, 'sourceanc').map((t) => t.id)).toEqual(['immutable-id']));
  it('needs every word', () => expect(searchTools(tools, 'dkim guid')).toEqual([]));
  it('ranks title hits first', () => expect(searchTools(tools, 'im')[0]!.id).toBe('immutable-id'));
  it('returns all for an empty query', () => expect(searchTools(tools, ' ')).toHaveLength(2));
});
