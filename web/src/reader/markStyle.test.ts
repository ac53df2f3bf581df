import { describe, expect, it } from 'vitest';
import type { Code } from '../api/types';
import { descendantIds, treeRows } from '../common/codes';
import { heat } from '../triangulation/heat';
import { markStyle, MAX_STRIPES, segmentColours } from './markStyle';

describe('overlap look', () => {
  it('gives one stripe per distinct colour, in covering order', () => {
    const colours: Record<number, string[]> = { 1: ['#1f77b4'], 2: ['#d62728', '#1f77b4'], 3: ['#2ca02c'] };
    expect(segmentColours([2, 1, 3], (id) => colours[id])).toEqual(['#d62728', '#1f77b4', '#2ca02c']);
  });
  it('stacks stripes under the text and tints with the first colour', () => {
    const style = markStyle(['#1f77b4', '#d62728'], 2);
    expect(style.boxShadow).toBe('inset 0 -3px 0 0 #1f77b4, inset 0 -6px 0 0 #d62728');
    expect(style.paddingBottom).toBe(6);
    expect(style.backgroundColor).toBe('rgba(31, 119, 180, 0.26)');
    expect(
      String(markStyle(['#000000', '#111111', '#222222', '#333333', '#444444'], 5).boxShadow).split(',').length,
    ).toBe(MAX_STRIPES);
    expect(markStyle([], 0)).toEqual({});
  });
});

describe('codebook tree', () => {
  const code = (id: number, name: string, parent_id: number | null): Code => ({
    id,
    name,
    parent_id,
    kind: 'other',
    effective_kind: 'other',
    guid: `guid-${id}`,
    project_id: 1,
    colour: null,
    definition: null,
    memo: null,
    usage: 0,
    deleted_at: null,
    merged_into: null,
    codable: true,
  });
  const codes = [
    code(1, 'Mechanisms', null),
    code(2, 'Trust', 1),
    code(3, 'Agency', 1),
    code(4, 'Peer trust', 2),
    code(5, 'Context', null),
    code(6, 'Lost child', 99),
  ];
  it('lists depth-first with paths, children by name, orphans at the top', () => {
    expect(treeRows(codes).map((r) => `${'-'.repeat(r.depth)}${r.path}`)).toEqual([
      'Context',
      'Lost child',
      'Mechanisms',
      '-Mechanisms › Agency',
      '-Mechanisms › Trust',
      '--Mechanisms › Trust › Peer trust',
    ]);
  });
  it('finds a code and everything below it', () => {
    expect([...descendantIds(codes, 1)].sort()).toEqual([1, 2, 3, 4]);
  });
});

describe('heat', () => {
  it('is white for nothing and darkest for the maximum, with readable text', () => {
    expect(heat(0, 5).background).toBe('#ffffff');
    expect(heat(5, 5)).toEqual({ background: 'rgb(0,88,92)', color: '#ffffff' });
    expect(heat(1, 5).color).toBe('#10262a');
  });
});
