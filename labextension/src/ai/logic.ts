/** Pure helpers of the AI front end: line offsets, edits, change size, finding texts. */
import { AI } from './types';

/** Offsets of the start of each line (index 0 is line 1). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      starts.push(i + 1);
    }
  }
  return starts;
}

/** The start offset of 1-based `line` (the text's end past the last line). */
function startOf(starts: number[], text: string, line: number): number {
  return line - 1 < starts.length ? starts[Math.max(0, line - 1)] : text.length;
}

/**
 * The character range an edit replaces: lines `line..end_line` (1-based, inclusive) with
 * their line breaks, or an insertion before `line` when `end_line` is `line - 1`.
 */
export function editRange(
  text: string,
  edit: Pick<AI.IEdit, 'line' | 'end_line' | 'new_text'>
): { from: number; to: number; insert: string } {
  const starts = lineStarts(text);
  const from = startOf(starts, text, edit.line);
  const to = Math.max(from, startOf(starts, text, edit.end_line + 1));
  let insert = edit.new_text;
  if (from === text.length && text.length > 0 && !text.endsWith('\n')) {
    insert = '\n' + insert; // appending after a last line without a line break
  }
  return { from, to, insert };
}

/** The text with an edit applied (as the server's `apply_edit` does). */
export function applyEdit(
  text: string,
  edit: Pick<AI.IEdit, 'line' | 'end_line' | 'new_text'>
): string {
  const { from, to, insert } = editRange(text, edit);
  return text.slice(0, from) + insert + text.slice(to);
}

/**
 * How many lines differ between two texts: what is left once the common leading and trailing
 * lines are set aside (the larger side counts). Cheap, and exact for a single edited region.
 */
export function changedLines(before: string, after: string): number {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) {
    head++;
  }
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) {
    tail++;
  }
  return Math.max(a.length - head - tail, b.length - head - tail);
}

/**
 * Whether a document changed enough since it was reviewed that its findings no longer hold:
 * at least `minLines` changed lines and at least `share` of the reviewed lines.
 */
export function substantialChange(
  reviewed: string,
  now: string,
  minLines = 5,
  share = 0.2
): boolean {
  const changed = changedLines(reviewed, now);
  const total = Math.max(1, reviewed.split('\n').length);
  return changed >= minLines && changed >= share * total;
}

/** The character range a finding covers: its first line's code through its last line's end. */
export function findingRange(
  text: string,
  f: Pick<AI.IFinding, 'line' | 'end_line'>
): { from: number; to: number } | null {
  const starts = lineStarts(text);
  if (f.line < 1 || f.line > starts.length) {
    return null;
  }
  const lineEnd = (n: number) =>
    n < starts.length ? starts[n] - 1 : text.length;
  const last = Math.min(Math.max(f.line, f.end_line), starts.length);
  let from = starts[f.line - 1];
  const firstEnd = lineEnd(f.line);
  while (from < firstEnd && /\s/.test(text[from])) {
    from++;
  }
  return { from, to: Math.max(from, lineEnd(last)) };
}

/** The hover text of a finding: message, suggested fix, evidence. */
export function findingText(f: AI.IFinding): {
  title: string;
  fix: string;
  evidence: string;
} {
  const code = f.code ? `${f.code} ` : '';
  return {
    title: `${code}${f.message}`,
    fix: f.suggestion,
    evidence: `${f.evidence.source}: ${f.evidence.detail}`
  };
}

/** Severity order for lists: errors first. */
export const SEVERITY_RANK: { [s: string]: number } = {
  error: 0,
  warning: 1,
  info: 2
};

/** Findings sorted for a list: by cell, line, then severity. */
export function sortFindings(findings: AI.IFinding[]): AI.IFinding[] {
  return [...findings].sort(
    (a, b) =>
      (a.cell ?? 0) - (b.cell ?? 0) ||
      a.line - b.line ||
      (SEVERITY_RANK[a.severity] ?? 3) - (SEVERITY_RANK[b.severity] ?? 3)
  );
}

/** Findings of one cell (notebooks) or all of them (files: no cell). */
export function findingsOfCell(
  findings: AI.IFinding[],
  cell: number | undefined
): AI.IFinding[] {
  return findings.filter(f => (f.cell ?? undefined) === cell);
}

/** The text before and after `offset`, cut to what a completion request may carry. */
export function completionContext(
  text: string,
  offset: number,
  maxPrefix = 6000,
  maxSuffix = 2000
): { prefix: string; suffix: string } {
  const at = Math.max(0, Math.min(offset, text.length));
  return {
    prefix: text.slice(Math.max(0, at - maxPrefix), at),
    suffix: text.slice(at, at + maxSuffix)
  };
}

/** Facts of an explain answer as label/value rows (nested values flattened to short text). */
export function factRows(
  facts: { [key: string]: unknown } | undefined
): { label: string; value: string }[] {
  if (!facts) {
    return [];
  }
  const rows: { label: string; value: string }[] = [];
  const show = (v: unknown): string => {
    if (v === null || v === undefined) {
      return '—';
    }
    if (Array.isArray(v)) {
      return v.length
        ? v
            .slice(0, 8)
            .map(x =>
              typeof x === 'object' && x !== null
                ? Object.values(x as object)
                    .filter(y => typeof y !== 'object')
                    .join(' ')
                : String(x)
            )
            .join('; ') + (v.length > 8 ? ` … (+${v.length - 8})` : '')
        : 'none';
    }
    if (typeof v === 'object') {
      return Object.entries(v as object)
        .filter(([, y]) => y !== null && typeof y !== 'object')
        .map(([k, y]) => `${k.replace(/_/g, ' ')}: ${y}`)
        .join(', ');
    }
    return String(v);
  };
  for (const [key, value] of Object.entries(facts)) {
    if (key === 'path') {
      continue;
    }
    rows.push({ label: key.replace(/_/g, ' '), value: show(value) });
  }
  return rows;
}
