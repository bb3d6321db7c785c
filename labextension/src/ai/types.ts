/** Wire types of the AI routes (mirrors the AI section of jupyter_codepark/openapi.yaml). */
export namespace AI {
  export type Task = 'review' | 'explain' | 'docstring' | 'insights' | 'chat';
  export type Severity = 'error' | 'warning' | 'info';

  export interface IEvidence {
    source: 'rule' | 'metric' | 'history' | 'analysis' | 'ast' | 'model';
    detail: string;
    value?: unknown;
  }

  /** A review finding; lines are 1-based and inclusive (per cell in a notebook). */
  export interface IFinding {
    path?: string;
    cell?: number;
    line: number;
    end_line: number;
    severity: Severity;
    category: string;
    code?: string;
    message: string;
    suggestion: string;
    evidence: IEvidence;
  }

  /** Replace lines line..end_line (inclusive) by new_text; end_line = line - 1 inserts. */
  export interface IEdit {
    path?: string;
    cell?: number;
    line: number;
    end_line: number;
    new_text: string;
  }

  /** Where code is: `{path, line?, end_line?, function?, cell?, source?}`. */
  export interface ICodeRequest {
    path: string;
    line?: number;
    end_line?: number;
    function?: string;
    cell?: number;
    source?: string;
    style?: 'numpy' | 'google';
  }

  export interface IUsage {
    prompt_tokens: number;
    completion_tokens: number;
    cost_usd: number;
  }

  export interface IAnswer {
    task: Task | 'complete';
    backend: string;
    model: string | null;
    generated_by: string;
    text: string;
    cached: boolean;
    usage: IUsage;
    analysed_head?: string | null;
    target?: {
      path?: string;
      cell?: number;
      line?: number | null;
      end_line?: number | null;
      function?: string | null;
    };
    findings?: IFinding[];
    counts?: { [severity: string]: number };
    facts?: { [key: string]: unknown };
    edit?: IEdit;
    docstring?: string;
    [key: string]: unknown;
  }

  /** A server-sent event of a streamed answer. */
  export type StreamEvent =
    | { event: 'delta'; data: { text: string } }
    | { event: 'result'; data: IAnswer }
    | {
        event: 'error';
        data: { message: string; reason?: string; status?: number };
      };

  export interface ICompletionRequest {
    prefix: string;
    suffix?: string;
    path?: string;
    language?: string;
  }
}
