import { describe, expect, it } from 'vitest';
import { changedFields, pageLocally } from './dataProvider';
import { fieldErrorsOf, messageOf } from './errors';
import { queryString, totalOf } from './http';
import { createSseParser } from './sse';

describe('messageOf', () => {
  it('shows the API detail as is', () => {
    expect(messageOf(400, { detail: "'range' must be two whole numbers [first,last]" })).toBe(
      "'range' must be two whole numbers [first,last]",
    );
  });
  it('turns FastAPI validation lists into field: message', () => {
    const body = {
      detail: [
        { loc: ['body', 'organisation'], msg: 'String should have at most 300 characters' },
        { loc: ['query', 'q'], msg: 'Field required' },
      ],
    };
    expect(messageOf(422, body)).toBe('organisation: String should have at most 300 characters; q: Field required');
    expect(fieldErrorsOf(body)).toEqual({
      organisation: 'String should have at most 300 characters',
      q: 'Field required',
    });
  });
  it('falls back to a sentence per status, and says when the server is unreachable', () => {
    expect(messageOf(503, null)).toMatch(/search engine is unavailable/);
    expect(messageOf(0, null)).toMatch(/Cannot reach the server/);
    expect(messageOf(418, '')).toMatch(/HTTP 418/);
  });
});

describe('list protocol helpers', () => {
  it('reads the total from Content-Range', () => {
    expect(totalOf(new Headers({ 'Content-Range': 'documents 0-24/319' }), 0)).toBe(319);
    expect(totalOf(new Headers(), 7)).toBe(7);
  });
  it('repeats keys for arrays and drops empty values', () => {
    expect(queryString({ q: 'a b', code_id: [1, 2], date_from: '', x: null })).toBe('?q=a+b&code_id=1&code_id=2');
  });
  it('pages, sorts and filters whole collections locally', () => {
    const rows = [
      { id: 1, name: 'Trust', kind: 'mechanism', parent_id: null },
      { id: 2, name: 'Équité', kind: 'outcome', parent_id: 1 },
      { id: 3, name: 'Context A', kind: 'context', parent_id: null },
    ];
    const got = pageLocally(rows, {
      filter: { q: 'equite' },
      sort: { field: 'name', order: 'ASC' },
      pagination: { page: 1, perPage: 10 },
    });
    expect(got).toEqual({ data: [rows[1]], total: 1 });
    const sorted = pageLocally(rows, {
      filter: {},
      sort: { field: 'name', order: 'DESC' },
      pagination: { page: 1, perPage: 2 },
    });
    expect(sorted.data.map((r) => r.id)).toEqual([1, 2]); // locale order: Trust, Équité, Context A
    expect(sorted.total).toBe(3);
    expect(
      pageLocally(rows, {
        filter: { id: [1, 3] },
        sort: { field: 'id', order: 'ASC' },
        pagination: { page: 1, perPage: 5 },
      }).data.map((r) => r.id),
    ).toEqual([1, 3]);
  });
  it('sends only changed fields on update', () => {
    expect(
      changedFields(
        { id: 1, title: 'New', date: '2024-01-01', tags: [1] },
        { id: 1, title: 'Old', date: '2024-01-01', tags: [1] },
      ),
    ).toEqual({ title: 'New' });
    expect(changedFields({ organisation: null }, { organisation: 'ICB' })).toEqual({ organisation: null });
  });
});

describe('createSseParser', () => {
  it('parses named events split across chunks, ids, comments and retry', () => {
    const p = createSseParser();
    expect(p.push('retry: 2000\n\n: keep-alive\n\nid: 7\nevent: annotation.cre')).toEqual([]);
    expect(p.retry).toBe(2000);
    const got = p.push(
      'ate\ndata: {"kind":"annotation.create","id":3}\n\nid: 8\r\nevent: code.updated\r\ndata: {}\r\n\r\n',
    );
    expect(got).toEqual([
      { id: '7', event: 'annotation.create', data: '{"kind":"annotation.create","id":3}' },
      { id: '8', event: 'code.updated', data: '{}' },
    ]);
  });
  it('joins multi-line data', () => {
    expect(createSseParser().push('data: a\ndata: b\n\n')).toEqual([{ id: undefined, event: 'message', data: 'a\nb' }]);
  });
});
