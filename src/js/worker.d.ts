// TypeScript declarations for the Web Worker helper (arrhythmiavision/worker).
import type { AnalyzerInfo, AnalyzerOptions, AnalysisResult, AnalyzeOptions, Annotation, Beat, Bytes, CsvOptions,
  Explanation, ExplainOptions, GlobalExplainOptions, GlobalExplanation, WfdbInput } from './index.js';

/** A record living in the worker, described for the page. */
export interface WorkerRecord {
  id: number;
  name: string;
  sampleRate: number;
  length: number;
  durationSec: number;
  readMs: number;
  leads: { index: number; name: string; units: string }[];
  annotations: Annotation[];
}

export interface WorkerAnalyzer {
  readonly info: AnalyzerInfo;
  readWfdb(input: WfdbInput): Promise<WorkerRecord>;
  readCsv(text: string | Bytes, options?: CsvOptions): Promise<WorkerRecord>;
  readEdf(bytes: Bytes, options?: Record<string, unknown>): Promise<WorkerRecord>;
  fromSamples(samples: Float32Array | Float32Array[], options: { sampleRate: number; leads?: string[]; name?: string }): Promise<WorkerRecord>;
  samples(record: WorkerRecord, lead?: number | string): Promise<Float32Array>;
  analyze(record: WorkerRecord, options?: AnalyzeOptions): Promise<AnalysisResult>;
  classifyWindows(windows: Float32Array, n?: number, context?: Float32Array): Promise<Float32Array>;
  explain(record: WorkerRecord, beat: Beat, options?: ExplainOptions): Promise<Explanation>;
  explainGlobal(record: WorkerRecord, options?: GlobalExplainOptions): Promise<GlobalExplanation>;
  explainWindow(window: Float32Array, options?: Omit<ExplainOptions, 'lead'>): Promise<Explanation>;
  writeAnnotations(resultOrList: AnalysisResult | { sample: number; symbol?: string; code?: number }[]): Promise<Uint8Array>;
  disposeRecord(record: WorkerRecord): Promise<void>;
  dispose(): void;
}

/** Something that carries messages: a Worker, or a MessagePort (the other end served by serveAnalyzer). */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message' | 'error', listener: (event: any) => void): void;
  start?(): void;
  terminate?(): void;
}

export declare function createWorkerAnalyzer(options?: AnalyzerOptions & { worker?: MessageEndpoint }): Promise<WorkerAnalyzer>;
export declare function serveAnalyzer(scope: MessageEndpoint): void;
