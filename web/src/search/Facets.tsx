/** Facet counts as checkboxes, plus code, coder, date and coded/uncoded filters. */
import { Autocomplete, Box, MenuItem, TextField } from '@mui/material';
import type { SearchResponse } from '../api/types';
import { treeRows } from '../common/codes';
import { useCodes, useMembers } from '../common/useProjectData';
import { labelOf, DOCUMENT_TYPES, SOURCE_TYPES } from '../documents/choices';
import { toggle, type ListKey, type SearchState } from './params';

const FACETS: { key: string; title: string; list?: ListKey; label?: (v: string) => string }[] = [
  { key: 'source_type', title: 'Source type', list: 'source_type', label: (v) => labelOf(SOURCE_TYPES, v) },
  { key: 'document_type', title: 'Document type', list: 'document_type', label: (v) => labelOf(DOCUMENT_TYPES, v) },
  { key: 'organisation', title: 'Organisation', list: 'organisation' },
  { key: 'year', title: 'Year' },
  { key: 'document_id', title: 'Document', list: 'document_id' },
];

function annotatedOf(value: string): SearchState['annotated'] {
  return value === 'true' || value === 'false' ? value : '';
}

/** Truncated with an ellipsis to the column's width; the full text is its tooltip. */
function FacetLabel({ text }: { text: string }) {
  return (
    <span className="ew-facet-label" title={text}>
      {text}
    </span>
  );
}

export function Facets({
  state,
  facets,
  onChange,
}: {
  state: SearchState;
  facets: SearchResponse['facets'] | undefined;
  onChange: (s: SearchState) => void;
}) {
  const { data: codes = [] } = useCodes();
  const { data: members = [] } = useMembers();
  const rows = treeRows(codes);
  const setList = (key: ListKey, values: string[]) =>
    onChange({ ...state, page: 1, cursor: '', lists: { ...state.lists, [key]: values } });
  const year =
    state.date_from.endsWith('-01-01') && state.date_to === `${state.date_from.slice(0, 4)}-12-31`
      ? state.date_from.slice(0, 4)
      : '';

  return (
    <Box component="aside" aria-label="Filters" className="ew-facets">
      {FACETS.map((f) => {
        const values = facets?.[f.key] ?? [];
        const selected = f.list ? state.lists[f.list] : year ? [year] : [];
        const shown = [...values];
        for (const s of selected)
          if (!shown.some((v) => v.value === s)) shown.push({ value: s, count: 0, label: null });
        if (!shown.length) return null;
        return (
          <fieldset key={f.key} className="ew-facet" data-testid={`facet-${f.key}`}>
            <legend>{f.title}</legend>
            {shown.slice(0, 12).map((v) => (
              <label key={v.value} className="ew-facet-row">
                <input
                  type="checkbox"
                  checked={selected.includes(v.value)}
                  onChange={() => {
                    if (f.list) setList(f.list, toggle(state.lists[f.list], v.value));
                    else if (year === v.value) onChange({ ...state, page: 1, cursor: '', date_from: '', date_to: '' });
                    else
                      onChange({
                        ...state,
                        page: 1,
                        cursor: '',
                        date_from: `${v.value}-01-01`,
                        date_to: `${v.value}-12-31`,
                      });
                  }}
                />
                <FacetLabel text={('label' in v && v.label) || (f.label ? f.label(v.value) : v.value)} />
                <span className="ew-facet-count">{v.count}</span>
              </label>
            ))}
          </fieldset>
        );
      })}
      <Autocomplete
        fullWidth
        multiple
        size="small"
        options={rows.map((r) => String(r.code.id))}
        getOptionLabel={(id) => rows.find((r) => String(r.code.id) === id)?.path ?? `code ${id}`}
        value={state.lists.code_id}
        onChange={(_, v) => setList('code_id', v)}
        renderInput={(params) => <TextField {...params} label="Coded with (and sub-codes)" />}
        sx={{ my: 1 }}
      />
      <Autocomplete
        fullWidth
        multiple
        size="small"
        options={members.map((m) => String(m.user_id))}
        getOptionLabel={(id) => members.find((m) => String(m.user_id) === id)?.name ?? `user ${id}`}
        value={state.lists.coder_id}
        onChange={(_, v) => setList('coder_id', v)}
        renderInput={(params) => <TextField {...params} label="Coded by" />}
        sx={{ my: 1 }}
      />
      <TextField
        select
        size="small"
        fullWidth
        label="Coding"
        value={state.annotated}
        onChange={(e) => onChange({ ...state, page: 1, cursor: '', annotated: annotatedOf(e.target.value) })}
        sx={{ my: 1 }}
      >
        <MenuItem value="">Coded or not</MenuItem>
        <MenuItem value="true">Only coded passages</MenuItem>
        <MenuItem value="false">Only uncoded passages</MenuItem>
      </TextField>
      <Box sx={{ display: 'flex', gap: 1 }}>
        <TextField
          type="date"
          size="small"
          label="From"
          value={state.date_from}
          onChange={(e) => onChange({ ...state, page: 1, cursor: '', date_from: e.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
        <TextField
          type="date"
          size="small"
          label="To"
          value={state.date_to}
          onChange={(e) => onChange({ ...state, page: 1, cursor: '', date_to: e.target.value })}
          slotProps={{ inputLabel: { shrink: true } }}
        />
      </Box>
    </Box>
  );
}
