// TypeScript declarations for the ArrhythmiaVision JS API (src/js/index.js).

export type BeatClass = 'N' | 'L' | 'R' | 'A' | 'V';
export declare const CLASSES: readonly BeatClass[];

/** Thrown for every failure; `code` is stable and the same as the CLI's `error: <code>: ...`. */
export declare class ArrhythmiaVisionError extends Error {
  constructor(code: string, message: string);
  readonly name: 'ArrhythmiaVisionError';
  code: string;
}

export type Bytes = Uint8Array | ArrayBuffer | ArrayBufferView;

/** The shipped models: the context models (default 'v1-ctx'; '-ds1' = trained on DS1 only) and the paper's single-beat ones. */
export type ModelName = 'v1-ctx' | 'v2-ctx' | 'v1-ctx-ds1' | 'v2-ctx-ds1' | 'v1' | 'v2' | 'v1-ds1' | 'v2-ds1';
export declare const MODELS: readonly ModelName[];
export declare const DEFAULT_MODEL: 'v1-ctx';

export interface ModelFiles {
  /** Model metadata (models/FORMAT.md): its text, the bytes of the file, or the parsed JSON. */
  json: string | Bytes | object;
  /** The float32 weights the metadata names. */
  weights: Bytes;
}

export interface AnalyzerOptions {
  /** Default 'v1-ctx' (the context model); null for no model (beats are then detected but not labelled). */
  model?: ModelName | ModelFiles | null;
  /** 'eager' (default): the formats module (CSV, EDF/BDF, ISHNE, HL7 aECG readers, .atr writing) loads with the
   * core, so every read is synchronous. 'on-demand': only the core loads; those reads and writeAnnotations throw
   * formats_not_loaded until `await av.loadFormats()`. The worker analyzer defaults to 'on-demand' and loads the
   * module itself when a file needs it. */
  formats?: 'eager' | 'on-demand';
}

export interface AnalyzerInfo {
  model: string | null;
  parameters: number;
  classes: BeatClass[];
  sampleRate: number;
  windowLength: number;
  windowBefore: number;
  backend: string;
  /** 1 for the single-beat models, 2 for the context models (channel 1: the beat minus the patient's template). */
  inputChannels?: number;
  /** A context model's features, in input order (src/dsp/beat_context.h); empty for single-beat models. */
  contextFeatures?: string[];
}

export interface Annotation {
  sample: number;
  code: number;
  symbol: string;
  subtype?: number;
  chan?: number;
  num?: number;
  aux?: string;
}

export interface Lead {
  index: number;
  name: string;
  units: string;
  /** The lead's own sampling rate: equal to the record's except in multi-frequency records (WFDB, EDF). */
  sampleRate: number;
  /** A copy of the lead's samples (mV), made on first access. */
  readonly samples: Float32Array;
}

export interface EcgRecord {
  readonly name: string;
  readonly sampleRate: number;
  readonly length: number;
  readonly durationSec: number;
  readonly leads: Lead[];
  /** Reference annotations (.atr), empty when none were given. */
  readonly annotations: Annotation[];
  /** What the file says about the recording, in file order: [key, value] pairs (CSV metadata lines such as an Apple
   * Watch export's Classification and Device, EDF/ISHNE/aECG header fields, gaps of discontinuous records). */
  readonly metadata: [string, string][];
  /** Milliseconds spent decoding; reported as timing.readMs (callers may add their own file reading). */
  readMs: number;
  samples(lead?: number | string): Float32Array;
  /** Frees the record's WASM memory (also done by Analyzer.dispose). */
  dispose(): void;
}

export type Probabilities = Record<BeatClass, number>;

export interface Beat {
  /** Index at the input's own sampling rate. */
  sample: number;
  time: number;
  label?: BeatClass;
  probabilities?: Probabilities;
  /** 'AF' inside an AF episode. */
  rhythm?: 'AF';
  /** The model's own label when a rule changed it (A inside AF counts as N; a model's L and V rules, models/FORMAT.md). */
  modelLabel?: BeatClass;
  /** Inside a stretch of unusable signal: kept here, left out of counts, burden, events, HRV and pauses. */
  noisy?: true;
}

export interface Episode {
  start: number;
  end: number;
  startTime: number;
  endTime: number;
  beats: number;
  rateBpm?: number;
  cycles?: number;
}

/** Isolated beats, couplets, runs of ≥ 3 (triplets: exactly 3; sustained: ≥ 30 s), the longest and fastest run. */
export interface Ectopy {
  isolated: number; couplets: number; triplets: number; runs: number; sustainedRuns: number;
  longestRun: Episode | null; fastestRun: Episode | null;
}

export interface AfEpisode { startSec: number; endSec: number; meanBpm: number; beats: number }

export interface HourRow {
  startSec: number; beats: number; meanBpm: number | null; minBpm: number | null; maxBpm: number | null;
  V: number; A: number; pauses: number; afSec: number;
}

export interface AnalysisResult {
  record: string;
  sampleRate: number;
  lead: string;
  leadIndex: number;
  durationSec: number;
  beatSource: 'detect' | 'reference';
  /** inTrainingData: the record (matched by name and by the MIT-BIH shape, 360 Hz and 650000 samples per lead) is
   * one of the model's training records (metadata training.split.trainRecords, or .records for the paper's beat
   * split): agreement with its annotations is then not validation. */
  model: { name: string; parameters: number; inTrainingData: boolean } | null;
  /** What to know before trusting the findings: not_ecg_waveform, no_usable_signal, implausible_heart_rate,
   * lead_unlike_training. */
  warnings: { code: string; message: string }[];
  beats: Beat[];
  summary: {
    beatCount: number;
    counts: Record<BeatClass, number>;
    unlabelled?: number;
    /** minTimeSec / maxTimeSec: the middle of the 8-interval window with the lowest / highest rate. */
    heartRate: {
      meanBpm: number | null; minBpm: number | null; maxBpm: number | null;
      minTimeSec: number | null; maxTimeSec: number | null; window: string;
    };
    burden: { V: number; A: number };
    /** svRuns: runs of ≥ 3 A beats. */
    events: { couplets: Episode[]; vRuns: Episode[]; bigeminy: Episode[]; trigeminy: Episode[]; svRuns: Episode[] };
    ventricular: Ectopy;
    supraventricular: Ectopy;
    /** AF from RR irregularity; relabelledA: beats the model called A inside AF, counted as N. */
    af: { burdenPercent: number; episodes: AfEpisode[]; relabelledA: number };
    /** RR intervals ≥ pauseSec (default 2 s); flagged when ≥ 3 s. */
    pauses: { startSec: number; durationSec: number; flagged?: true }[];
    /** NN: consecutive beats both N, L or R; SDs use n − 1; SDANN and the SDNN index use 5-minute segments. */
    hrv: {
      sdnnMs: number | null; sdannMs: number | null; sdnnIndexMs: number | null; rmssdMs: number | null;
      pnn50Percent: number | null; nnCount: number;
    };
    /** One row per 3600 s from the record start. */
    hourly: HourRow[];
    /** Intervals of the median of up to 200 steady N beats (null when too few, or the T wave is under 10 % of the
     * R wave): Q onset and J point
     * where the slope falls below 3 % of the QRS's largest for 10 ms; T end where the T wave's descent has slowed
     * to 10 % of its steepest slope; QTc by Bazett (QT/√RR) and Fridericia (QT/∛RR). */
    intervals: {
      beats: number; rrMs: number; qrsMs: number; qtMs: number; qtcBazettMs: number; qtcFridericiaMs: number;
      method: string;
      medianBeat: { sampleRate: 360; startMs: -350; values: number[]; qOnsetMs: number; rPeakMs: number;
        jPointMs: number; tPeakMs: number; tEndMs: number };
    } | null;
    /** Ventricular flutter/fibrillation found by the detector (its beats are not in beats). */
    ventricularFlutter: { startSec: number; endSec: number }[];
    /** 5-second segments judged flat, clipped or noisy, merged into stretches (flutter is not noise). */
    signalQuality: {
      usablePercent: number;
      unusable: { startSec: number; endSec: number; reason: 'flat' | 'clipped' | 'noisy' | 'not_ecg' }[];
      noisyBeats: number;
    };
  };
  timing: { readMs: number; detectMs: number; classifyMs: number; totalMs: number };
}

export interface AnalyzeOptions {
  /** Lead index or name; default: the first lead named MLII, else lead 0. */
  lead?: number | string;
  /** 'reference' uses the record's beat annotations instead of detected QRS positions. */
  beats?: 'detect' | 'reference';
  /** An RR interval at least this long (seconds, 0.5–60; default 2) is a pause. */
  pauseSec?: number;
  /** false keeps the model's A labels inside AF episodes (by default they count as N). */
  afRelabel?: boolean;
  /** Called as the analysis advances (stage 'detect' | 'classify' | 'done'); return false to stop it (code 'cancelled'). */
  onProgress?: (fraction: number, stage: string) => void | boolean;
}

export interface StreamOptions extends AnalyzeOptions {
  /** Seconds of signal per chunk (default 300). The result does not depend on it. */
  chunkSeconds?: number;
  /** Stops the analysis between chunks; the promise rejects with code 'aborted'. */
  signal?: AbortSignal;
}

/** WFDB bytes for analyzeStream: the signal files stay in JS memory. */
export interface WfdbBytes {
  hea: string | Uint8Array;
  dat?: Uint8Array;
  atr?: Uint8Array;
  files?: Record<string, Uint8Array>;
}

/** An ISHNE Holter file for analyzeStream, streamed like the WFDB format-16 record it is. */
export interface IshneBytes {
  ishne: Uint8Array;
  /** The file's name (letters, digits, '.', '-', '_'). */
  name?: string;
}

/** Options of av.read (any format, found from the content first, then the name). */
export interface ReadOptions {
  /** The other files by name: WFDB signal files, segment headers, annotation files; ISHNE's .ann. */
  files?: Record<string, Bytes>;
  /** CSV without a time column or a Sample Rate line, Hz. */
  sampleRate?: number;
  delimiter?: string;
  /** WFDB: the annotations read from files['<record>.<annotator>']; default 'atr'. */
  annotator?: string;
  /** HL7 aECG: the rhythm strips (default) or the representative beats. */
  series?: 'rhythm' | 'representative';
}

export type FileFormat = 'wfdb' | 'csv' | 'edf' | 'ishne' | 'ishne-annotation' | 'hl7-aecg' | 'wfdb-signal' | 'scp-ecg' |
  'dicom' | 'unknown';

export interface ExplainOptions {
  method?: 'gradcam' | 'shap';
  /** SHAP: contiguous segments of the window. With a context model's context players (see Explanation), exact
   * Shapley values up to 16 players in all, KernelSHAP above (at most 32 players). */
  segments?: number;
  /** SHAP baseline: the record's median normal beat (default) or the model's background. */
  baseline?: 'median-normal' | 'background';
  /** Explain this class instead of the predicted one. */
  label?: BeatClass;
  classIndex?: number;
  /** KernelSHAP (segments > 16): coalitions sampled (default 2048) and the sampling seed (default 1). */
  samples?: number;
  seed?: number;
  /** Lead index or name; default as in analyze. */
  lead?: number | string;
}

export interface GlobalExplainOptions {
  segments?: number;
  baseline?: 'median-normal' | 'background';
  /** SHAP beats per class (an evenly spaced subsample). */
  maxShapBeats?: number;
  shap?: boolean;
  beats?: 'detect' | 'reference';
  lead?: number | string;
}

export interface ClassProfile {
  classIndex: number;
  label: BeatClass;
  beats: number;
  averageBeat: Float32Array;
  meanGradcam: Float32Array;
  meanAbsShap?: Float32Array;
  meanAbsShapSegments?: number[];
  /** Context models: mean |SHAP| per context player, in the order of GlobalExplanation.contextPlayers. */
  meanAbsShapContextPlayers?: number[];
  shapBeats?: number[];
  [extra: string]: unknown;
}

export interface GlobalExplanation {
  baseline: string;
  segments: number;
  classes: ClassProfile[];
  /** Context models: the SHAP players beside the segments. */
  contextPlayers?: { name: string; features: string[] }[];
  beatSource: 'detect' | 'reference';
  sampleRate: number;
  beatSamples: number[];
  [extra: string]: unknown;
}

export interface ContextPlayer {
  name: string;
  /** Feature names (the model's input.context.names). */
  features: string[];
  /** Shapley value, probability of the explained class. */
  value: number;
  /** The features' values for the beat and for the baseline. */
  beatValues: number[];
  baselineValues: number[];
}

export interface Explanation {
  method: 'gradcam' | 'shap';
  label: BeatClass;
  classIndex: number;
  /** Over the beat window (windowLength samples), aligned with `window`. */
  values: Float32Array;
  window?: Float32Array;
  segments?: { start: number; end: number; value: number }[];
  /** SHAP of a context model: its context features as players beside the segments, grouped by name ('rhythm (RR)',
   * 'template match', 'QRS width', 'amplitude', 'other context'); a player takes the beat's values of all its
   * features or the baseline's. The segment values plus these values sum to outputValue − baseValue. */
  contextPlayers?: ContextPlayer[];
  baseValue?: number;
  outputValue?: number;
  /** SHAP: present (true) when |outputValue − baseValue| < 1e-3: the beat scores as the baseline does, nothing to attribute. */
  negligible?: true;
  /** Context models: the beat's context features (model order). */
  context?: number[];
  /** The model's probabilities for the beat. */
  probabilities: number[];
  /** Grad-CAM: the layer whose feature maps were used. */
  layer?: string;
  /** SHAP: which baseline was used, and the baseline window itself. */
  baseline?: 'median-normal' | 'background';
  baselineWindow?: Float32Array;
  /** SHAP: 'exact' (all 2^M coalitions) or 'kernel' (KernelSHAP with `samples` coalitions and `seed`). */
  estimator?: 'exact' | 'kernel';
  evaluations?: number;
  samples?: number;
  seed?: number;
  [extra: string]: unknown;
}

export interface WfdbInput {
  hea: string | Bytes;
  /** The signal file the header names. */
  dat?: Bytes;
  atr?: Bytes;
  /** Signal files by name, for records stored in several files (and a multi-segment record's segment headers). */
  files?: Record<string, Bytes>;
  /** Without atr: the annotations in files['<record>.<annotator>'] (e.g. 'qrs'). */
  annotator?: string;
}

export interface CsvOptions {
  sampleRate?: number;
  [option: string]: unknown;
}

export interface Analyzer {
  readonly info: AnalyzerInfo;
  /** Whether the formats module is loaded (see AnalyzerOptions.formats). */
  readonly formatsLoaded: boolean;
  /** Loads the formats module (once per page or process). */
  loadFormats(): Promise<Analyzer>;
  signalFiles(hea: string | Bytes): string[];
  readWfdb(input: WfdbInput): EcgRecord;
  readCsv(text: string | Bytes, options?: CsvOptions): EcgRecord;
  readEdf(bytes: Bytes, options?: Record<string, unknown>): EcgRecord;
  /** Any supported format, found from the content first, then the name: WFDB, CSV (Apple Watch exports too),
   * EDF/BDF, ISHNE, HL7 aECG. Errors: the reader's codes, io_unknown_format, io_format_unsupported (SCP-ECG, DICOM),
   * formats_not_loaded (an 'on-demand' analyzer before loadFormats()). */
  read(bytes: Bytes, name?: string, options?: ReadOptions): EcgRecord;
  /** Files as a user drops them: the main file chosen by content, the others passed as its files. */
  readFiles(files: { name: string; bytes: Bytes }[], options?: ReadOptions): EcgRecord;
  /** The other files a record needs, as far as the files given so far tell; ask again after adding them. */
  recordFiles(bytes: Bytes, name?: string, options?: { files?: Record<string, Bytes>; annotator?: string }): string[];
  detectFormat(bytes: Bytes, name?: string): FileFormat;
  fromSamples(samples: Float32Array | Float32Array[], options: { sampleRate: number; leads?: string[]; name?: string }): EcgRecord;
  analyze(record: EcgRecord, options?: AnalyzeOptions): AnalysisResult;
  /** analyze() chunk by chunk with bounded WASM memory (24-hour recordings), progress and cancellation. */
  analyzeStream(input: WfdbBytes | IshneBytes | EcgRecord, options?: StreamOptions): Promise<AnalysisResult>;
  /** Input limits (core/limits.h); larger inputs throw coded errors (io_file_too_large, ...). */
  readonly limits: {
    maxInputBytes: number; maxSignals: number; minReadSampleRate: number; maxReadSampleRate: number;
    minAnalysisSampleRate: number; maxAnalysisSampleRate: number; maxRecordSamples: number;
  };
  /** WebAssembly memory in use by the core (it only grows: also the peak). */
  memoryUsage(): { heapBytes: number };
  /** n windows of info.inputChannels × info.windowLength samples → n × 5 probabilities; a context model also takes
   * n × info.contextFeatures.length context values. */
  classifyWindows(windows: Float32Array, n?: number, context?: Float32Array): Float32Array;
  explain(record: EcgRecord, beat: Beat, options?: ExplainOptions): Explanation;
  /** Per-class (global) explanation panels over the record's beats. */
  explainGlobal(record: EcgRecord, options?: GlobalExplainOptions): GlobalExplanation;
  /** Grad-CAM or SHAP (baseline: the model's background) of one raw z-scored window of info.windowLength samples. */
  explainWindow(window: Float32Array, options?: Omit<ExplainOptions, 'lead'>): Explanation;
  /** MIT-format annotation bytes (.atr) for a result's beats or a list of annotations. */
  writeAnnotations(resultOrList: AnalysisResult | { sample: number; symbol?: string; code?: number; aux?: string }[]): Uint8Array;
  /** The Holter report: one self-contained HTML document (inline CSS and SVG, no script, no request); the record
   * gives the ECG strips (null leaves them out). */
  report(result: AnalysisResult, record?: ReportRecord | null, options?: ReportOptions): string;
  dispose(): void;
}

/** What the report reads from a record: its rate and one lead's samples in mV (an EcgRecord has both). */
export type ReportRecord = EcgRecord | { sampleRate: number; samples(lead: number): Float32Array };

export interface ReportOptions {
  /** The pause threshold the result was analysed with (default 2 s), for the pause list's heading. */
  pauseSec?: number;
  /** Rows shown of the AF episode and pause lists (default 40); the rest are counted. */
  maxRows?: number;
  /** The generation date shown (default now); false leaves it out. */
  generatedAt?: Date | string | number | false;
  title?: string;
}

/** What detectFormat names for the files whose reader is in the formats module. */
export declare const FORMATS_MODULE_READS: readonly FileFormat[];
export declare function renderReport(result: AnalysisResult, record?: ReportRecord | null, options?: ReportOptions): string;
export declare function createAnalyzer(options?: AnalyzerOptions): Promise<Analyzer>;
export default createAnalyzer;
