import { describe, expect, it } from 'vitest';
import type { Code, CodeKind } from '../api/types';
import { kindGroups, treeRows } from './codes';

const code = (id: number, name: string, parent_id: number | null, effective_kind: CodeKind): Code => ({
  id,
  name,
  parent_id,
  kind: null,
  effective_kind,
  guid: `g${id}`,
  project_id: 1,
  colour: null,
  definition: null,
  memo: null,
  usage: 0,
  deleted_at: null,
  merged_into: null,
  codable: true,
});

describe('kindGroups', () => {
  it('groups in codebook order, keeps tree depth, lifts a child of another kind to the top', () => {
    const codes = [
      code(1, 'Trust', null, 'mechanism'),
      code(2, 'Reciprocity', 1, 'mechanism'),
      code(3, 'Less waste', 1, 'outcome'),
      code(4, 'Funding', null, 'context'),
    ];
    const groups = kindGroups(treeRows(codes));
    expect(groups.map((g) => g.kind)).toEqual(['context', 'mechanism', 'outcome']);
    expect(groups[1].rows.map((r) => [r.code.name, r.depth])).toEqual([
      ['Trust', 0],
      ['Reciprocity', 1],
    ]);
    expect(groups[2].rows.map((r) => [r.path, r.depth])).toEqual([['Trust › Less waste', 0]]);
  });
});
