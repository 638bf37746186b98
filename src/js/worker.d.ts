// TypeScript declarations for the Web Worker helper (arrhythmiavision/worker).
import type { AnalyzerInfo, AnalyzerOptions, AnalysisResult, AnalyzeOptions, Annotation, Beat, Bytes, CsvOptions,
  Explanation, ExplainOptions, GlobalExplainOptions, GlobalExplanation, ReadOptions, WfdbInput } from './index.js';
import type { PyramidLevel } from './chart.js';

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
  /** The lead analyze() takes when no lead is given: MLII, else II, else a lead named as an ECG, else 0. */
  defaultLead: number;
}

/** One lead ready for StripChart.setSignal: the samples (mV) and their min/max pyramid, made in the worker. */
export interface ChartSignal {
  samples: Float32Array;
  levels: PyramidLevel[];
  sampleRate: number;
}

export interface WorkerAnalyzer {
  readonly info: AnalyzerInfo;
  readWfdb(input: WfdbInput): Promise<WorkerRecord>;
  readCsv(text: string | Bytes, options?: CsvOptions): Promise<WorkerRecord>;
  readEdf(bytes: Bytes, options?: Record<string, unknown>): Promise<WorkerRecord>;
  /** Any supported format, found from the content first (Analyzer.read). */
  read(bytes: Bytes, name?: string, options?: ReadOptions): Promise<WorkerRecord>;
  /** Dropped files: the main one chosen by content, the others its files (Analyzer.readFiles). */
  readFiles(files: { name: string; bytes: Bytes }[], options?: ReadOptions): Promise<WorkerRecord>;
  fromSamples(samples: Float32Array | Float32Array[], options: { sampleRate: number; leads?: string[]; name?: string }): Promise<WorkerRecord>;
  samples(record: WorkerRecord, lead?: number | string): Promise<Float32Array>;
  /** A lead (default: record.defaultLead) with its pyramid, transferred to the page: chart.setSignal(await ...). */
  chartSignal(record: WorkerRecord, lead?: number | string): Promise<ChartSignal>;
  analyze(record: WorkerRecord, options?: AnalyzeOptions): Promise<AnalysisResult>;
  classifyWindows(windows: Float32Array, n?: number, context?: Float32Array): Promise<Float32Array>;
  explain(record: WorkerRecord, beat: Beat, options?: ExplainOptions): Promise<Explanation>;
  explainGlobal(record: WorkerRecord, options?: GlobalExplainOptions): Promise<GlobalExplanation>;
  explainWindow(window: Float32Array, options?: Omit<ExplainOptions, 'lead'>): Promise<Explanation>;
  writeAnnotations(resultOrList: AnalysisResult | { sample: number; symbol?: string; code?: number }[]): Promise<Uint8Array>;
  disposeRecord(record: WorkerRecord): Promise<void>;
  /**
   * Terminates the worker at once, also in the middle of an analysis (the way to cancel one); the calls still
   * pending reject with code 'cancelled', later calls with 'disposed'.
   */
  dispose(): void;
}

// ---- the protocol --------------------------------------------------------------------------------------------------
// serveAnalyzer answers these messages; WorkerAnalyzer sends them. A page may speak it directly (postMessage).

/** The operations, with their arguments (records by WorkerRecord.id) and what `value` holds on success. */
export interface WorkerOps {
  create: { args: [options?: AnalyzerOptions]; value: AnalyzerInfo };
  readWfdb: { args: [input: WfdbInput]; value: WorkerRecord };
  readCsv: { args: [text: string | Bytes, options?: CsvOptions]; value: WorkerRecord };
  readEdf: { args: [bytes: Bytes, options?: Record<string, unknown>]; value: WorkerRecord };
  read: { args: [bytes: Bytes, name?: string, options?: ReadOptions]; value: WorkerRecord };
  readFiles: { args: [files: { name: string; bytes: Bytes }[], options?: ReadOptions]; value: WorkerRecord };
  fromSamples: { args: [samples: Float32Array | Float32Array[], options: { sampleRate: number; leads?: string[]; name?: string }]; value: WorkerRecord };
  samples: { args: [record: number, lead?: number | string]; value: Float32Array };
  chartSignal: { args: [record: number, lead?: number | string]; value: ChartSignal };
  /** Sends a progress message for each of the core's progress calls. onProgress cannot stop it: dispose() can. */
  analyze: { args: [record: number, options?: Omit<AnalyzeOptions, 'onProgress'>]; value: AnalysisResult };
  classifyWindows: { args: [windows: Float32Array, n?: number, context?: Float32Array]; value: Float32Array };
  explain: { args: [record: number, beat: Beat, options?: ExplainOptions]; value: Explanation };
  explainGlobal: { args: [record: number, options?: GlobalExplainOptions]; value: GlobalExplanation };
  explainWindow: { args: [window: Float32Array, options?: Omit<ExplainOptions, 'lead'>]; value: Explanation };
  writeAnnotations: { args: [resultOrList: AnalysisResult | { sample: number; symbol?: string; code?: number }[]]; value: Uint8Array };
  disposeRecord: { args: [record: number]; value: undefined };
  dispose: { args: []; value: undefined };
}
export type WorkerOp = keyof WorkerOps;

/** Page → worker. `id` is the caller's, echoed in every reply to this request. */
export interface WorkerRequest<K extends WorkerOp = WorkerOp> { id: number; op: K; args: WorkerOps[K]['args'] }

/**
 * Worker → page: any number of progress messages, then one reply. Typed arrays in a value (samples, explanation
 * values, a chart signal's pyramid, annotation bytes) are transferred, not copied. An unknown op fails with
 * code 'invalid_argument', an unknown record id too; a call before create fails with 'disposed'.
 */
export type WorkerReply<K extends WorkerOp = WorkerOp> =
  | { id: number; progress: { fraction: number; stage: string } }
  | { id: number; ok: true; value: WorkerOps[K]['value'] }
  | { id: number; ok: false; error: { code: string; message: string } };

/** Something that carries messages: a Worker, or a MessagePort (the other end served by serveAnalyzer). */
export interface MessageEndpoint {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message' | 'error', listener: (event: any) => void): void;
  start?(): void;
  terminate?(): void;
}

/** The worker's analyzer starts with formats: 'on-demand' unless told otherwise: it loads the formats module (CSV,
 * EDF/BDF, ISHNE, HL7 aECG, .atr writing) the first time a call needs it, so a page that reads WFDB records only
 * never downloads it. */
export declare function createWorkerAnalyzer(options?: AnalyzerOptions & { worker?: MessageEndpoint }): Promise<WorkerAnalyzer>;
export declare function serveAnalyzer(scope: MessageEndpoint): void;
