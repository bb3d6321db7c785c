import { describe, expect, it } from 'vitest';

import { AIRequestError } from '../src/ai/api';
import { errorMessage } from '../src/ai/errors';
import {
  applyEdit,
  changedLines,
  completionContext,
  editRange,
  factRows,
  findingRange,
  findingText,
  findingsOfCell,
  lineStarts,
  sortFindings,
  substantialChange
} from '../src/ai/logic';
import { AIModel } from '../src/ai/model';
import { SSEParser } from '../src/ai/sse';
import { AI } from '../src/ai/types';
import { CodeParkRequestError } from '../src/request';

const CODE = 'import os\n\n\ndef many(a, b):\n    return a + b\n';

function finding(
  line: number,
  end_line: number,
  severity: AI.Severity = 'warning',
  cell?: number
): AI.IFinding {
  return {
    line,
    end_line,
    severity,
    cell,
    category: 'style',
    code: 'X1',
    message: `m${line}`,
    suggestion: 'do better',
    evidence: { source: 'rule', detail: 'ruff X1' }
  };
}

describe('edits', () => {
  it('knows where lines start', () => {
    expect(lineStarts('a\nbc\n')).toEqual([0, 2, 5]);
  });

  it('inserts a docstring before a line (end_line = line - 1)', () => {
    const doc = '    """Add a and b."""\n';
    const edit = { line: 5, end_line: 4, new_text: doc };
    expect(applyEdit(CODE, edit)).toBe(
      'import os\n\n\ndef many(a, b):\n' + doc + '    return a + b\n'
    );
    const r = editRange(CODE, edit);
    expect(r.from).toBe(r.to); // a pure insertion: nothing removed
  });

  it('replaces an existing docstring (lines line..end_line)', () => {
    const text = 'def f(x):\n    """Old.\n\n    More."""\n    return x\n';
    const out = applyEdit(text, {
      line: 2,
      end_line: 4,
      new_text: '    """New."""\n'
    });
    expect(out).toBe('def f(x):\n    """New."""\n    return x\n');
  });

  it('appends after a last line without a line break', () => {
    expect(applyEdit('x = 1', { line: 2, end_line: 1, new_text: 'y\n' })).toBe(
      'x = 1\ny\n'
    );
  });
});

describe('changes', () => {
  it('counts the lines of one edited region', () => {
    expect(changedLines(CODE, CODE)).toBe(0);
    expect(changedLines(CODE, CODE.replace('os', 'sys'))).toBe(1);
    const added = CODE + 'x = 1\ny = 2\nz = 3\n';
    expect(changedLines(CODE, added)).toBe(3);
  });

  it('calls a change substantial only when it is large in lines and share', () => {
    const big = Array.from({ length: 100 }, (_, i) => `x${i} = ${i}`).join(
      '\n'
    );
    const few = big.replace('x1 = 1', 'x1 = 2').replace('x2 = 2', 'x2 = 3');
    expect(substantialChange(big, few)).toBe(false);
    const many = big + '\n' + Array(30).fill('y = 0').join('\n');
    expect(substantialChange(big, many)).toBe(true);
    // 6 lines changed of 100: over minLines, under the share
    const six = big.replace(/x[0-5] = /g, 'z = ');
    expect(substantialChange(big, six)).toBe(false);
  });
});

describe('findings', () => {
  it('covers from the first non-blank character to the last line end', () => {
    const r = findingRange(CODE, finding(4, 5));
    expect(CODE.slice(r!.from, r!.to)).toBe(
      'def many(a, b):\n    return a + b'
    );
    const inner = findingRange(CODE, finding(5, 5));
    expect(CODE.slice(inner!.from, inner!.to)).toBe('return a + b');
    expect(findingRange(CODE, finding(99, 99))).toBeNull();
  });

  it('says message, fix and evidence', () => {
    expect(findingText(finding(1, 1))).toEqual({
      title: 'X1 m1',
      fix: 'do better',
      evidence: 'rule: ruff X1'
    });
  });

  it('sorts by cell, line, severity and picks a cell', () => {
    const fs = [
      finding(3, 3, 'info', 2),
      finding(3, 3, 'error', 2),
      finding(1, 1, 'info', 1)
    ];
    const sorted = sortFindings(fs);
    expect(sorted.map(f => [f.cell, f.severity])).toEqual([
      [1, 'info'],
      [2, 'error'],
      [2, 'info']
    ]);
    expect(findingsOfCell(fs, 2)).toHaveLength(2);
    expect(findingsOfCell([finding(1, 1)], undefined)).toHaveLength(1);
  });

  it('the model sorts findings and marks a review stale for its document only', () => {
    const model = new AIModel();
    let changes = 0;
    model.changed.connect(() => changes++);
    model.setReview({
      path: 'a.py',
      notebook: false,
      findings: [finding(5, 5), finding(1, 1)],
      generatedBy: 'offline',
      cached: false,
      stale: false
    });
    expect(model.review!.findings.map(f => f.line)).toEqual([1, 5]);
    model.markStale('b.py');
    expect(model.review!.stale).toBe(false);
    model.markStale('a.py');
    expect(model.review!.stale).toBe(true);
    expect(changes).toBe(2);
  });
});

describe('server-sent events', () => {
  it('parses events split anywhere across chunks', () => {
    const wire =
      'event: delta\ndata: {"text": "Hel"}\n\n' +
      ': keep-alive\n\n' +
      'event: delta\r\ndata: {"text": "lo"}\r\n\r\n' +
      'event: result\ndata: {"text": "Hello", "cached": false}\n\n';
    for (const size of [1, 3, 7, wire.length]) {
      const parser = new SSEParser();
      const events: { event: string; data: any }[] = [];
      for (let i = 0; i < wire.length; i += size) {
        events.push(...parser.push(wire.slice(i, i + size)));
      }
      events.push(...parser.finish());
      expect(events.map(e => e.event)).toEqual(['delta', 'delta', 'result']);
      expect(events.map(e => e.data.text).join('|')).toBe('Hel|lo|Hello');
    }
  });

  it('keeps an event the stream ended without a blank line after', () => {
    const parser = new SSEParser();
    expect(parser.push('event: result\ndata: {"a": 1}')).toEqual([]);
    expect(parser.finish()).toEqual([{ event: 'result', data: { a: 1 } }]);
  });
});

describe('errors', () => {
  it('says when to retry a 429 from Retry-After', () => {
    const e = new AIRequestError('Too many', 429, 'rate-limited', 17);
    expect(errorMessage(e, 'review')).toBe(
      'CodePark review: too many requests. Try again in 17 s.'
    );
  });

  it('names size limits, model failures and timeouts', () => {
    expect(
      errorMessage(new CodeParkRequestError('over 256 KiB', 413, null), 'x')
    ).toContain('too large. over 256 KiB');
    expect(
      errorMessage(new CodeParkRequestError('HTTP 500', 502, null), 'x')
    ).toContain('the language model failed');
    expect(
      errorMessage(new CodeParkRequestError('60 s', 504, null), 'x')
    ).toContain('did not answer in time');
    expect(errorMessage(new Error('boom'), 'explain')).toBe(
      'CodePark explain failed: boom'
    );
  });
});

describe('completion context and facts', () => {
  it('cuts the prefix from the end and the suffix from the start', () => {
    const text = 'abcdefghij';
    expect(completionContext(text, 5, 3, 2)).toEqual({
      prefix: 'cde',
      suffix: 'fg'
    });
    expect(completionContext(text, 99)).toEqual({ prefix: text, suffix: '' });
  });

  it('flattens facts into rows', () => {
    const rows = factRows({
      path: 'a.py',
      signature: 'def f(x)',
      complexity: 3,
      used_by: [{ path: 'b.py', line: 4 }],
      history: { commits: 2, known: true, last: { sha: 'x' } },
      docstring: null
    });
    expect(rows).toEqual([
      { label: 'signature', value: 'def f(x)' },
      { label: 'complexity', value: '3' },
      { label: 'used by', value: 'b.py 4' },
      { label: 'history', value: 'commits: 2, known: true' },
      { label: 'docstring', value: '—' }
    ]);
  });
});

describe('inline completion provider', async () => {
  const { ServerConnection } = await import('@jupyterlab/services');
  const { CodeParkInlineProvider } = await import('../src/ai/completion');

  /** Server settings whose fetch answers like the server (one status and body per call). */
  function server(replies: { status: number; body: unknown }[]) {
    const calls: { url: string; body: any }[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = input instanceof Request ? input : null;
      const url = request ? request.url : String(input);
      const raw = request ? await request.text() : String(init?.body ?? '');
      calls.push({ url, body: raw ? JSON.parse(raw) : null });
      const reply = replies.shift()!;
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { 'Content-Type': 'application/json' }
      });
    };
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://127.0.0.1:1/user/a/',
      fetch: fetch as any,
      Request: Request as any,
      Headers: Headers as any
    });
    return { settings, calls };
  }
  const request = { text: 'def f(x):\n    return \n', offset: 21 };
  const context = { widget: { context: { path: 'p/f.py' } } } as any;

  it('asks the server with prefix, suffix and path, and offers its text', async () => {
    const { settings, calls } = server([
      { status: 200, body: { text: 'x * 2', task: 'complete' } }
    ]);
    const errors: unknown[] = [];
    const provider = new CodeParkInlineProvider({
      serverSettings: settings,
      enabled: () => true,
      onError: e => errors.push(e)
    });
    const list = await provider.fetch(request, context);
    expect(list.items).toEqual([{ insertText: 'x * 2' }]);
    expect(calls[0].url.split('?')[0]).toBe(
      'http://127.0.0.1:1/user/a/codepark/api/ai/complete'
    );
    expect(calls[0].body).toMatchObject({
      prefix: 'def f(x):\n    return ',
      suffix: '\n',
      path: 'p/f.py'
    });
    expect(errors).toEqual([]);
  });

  it('is off by default: no request at all', async () => {
    const { settings, calls } = server([]);
    const provider = new CodeParkInlineProvider({
      serverSettings: settings,
      enabled: () => false,
      onError: () => undefined
    });
    expect((await provider.fetch(request, context)).items).toEqual([]);
    expect(calls).toHaveLength(0);
  });

  it('stops asking once the server says it has no model (409)', async () => {
    const { settings, calls } = server([
      {
        status: 409,
        body: { message: 'needs a language model', reason: 'no-model' }
      },
      { status: 200, body: { text: 'later' } }
    ]);
    const errors: unknown[] = [];
    const provider = new CodeParkInlineProvider({
      serverSettings: settings,
      enabled: () => true,
      onError: e => errors.push(e)
    });
    expect((await provider.fetch(request, context)).items).toEqual([]);
    expect((await provider.fetch(request, context)).items).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(provider.available).toBe(false);
    expect(errorMessage(errors[0], 'inline completion')).toContain(
      'needs a language model'
    );
    provider.reset(); // the setting was switched on again
    expect((await provider.fetch(request, context)).items).toEqual([
      { insertText: 'later' }
    ]);
  });
});
