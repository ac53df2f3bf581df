export const THEORY_STATUSES = ['initial', 'refined', 'supported', 'refuted', 'revised'].map((s) => ({
  id: s,
  name: s,
}));
export const THEORY_FORMS = [
  { id: 'free', name: 'Free text' },
  { id: 'if_then', name: 'If… then…' },
  { id: 'cmo', name: 'Context–mechanism–outcome' },
];
export const THEORY_FIELDS = [
  { source: 'framework', label: 'Framework heading' },
  { source: 'statement', label: 'Statement' },
  { source: 'form', label: 'Form' },
  { source: 'status', label: 'Status' },
];
