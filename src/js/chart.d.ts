// Types of the ECG strip chart (arrhythmiavision/chart): overview + detail canvases over a min/max pyramid.
export declare const CLASS_COLORS: Record<'N' | 'L' | 'R' | 'A' | 'V', string>;

export interface PyramidLevel { size: number; min: Float32Array; max: Float32Array }
/** Min/max levels (bucket sizes 8, 64, 512, …) that let any zoom draw from a few buckets per pixel. */
export declare function minMaxPyramid(samples: Float32Array): PyramidLevel[];

/** A beat to mark; noisy beats (inside unusable signal) are drawn grey, hollow and dashed. */
export interface ChartBeat { sample: number; label?: string; noisy?: boolean }
/** A stretch in samples [start, end), shaded under the trace; the label shows in the detail view when it fits. */
export interface ChartShading { start: number; end: number; label?: string }
export interface ChartAnnotation { sample: number; symbol: string }
export interface ChartAgreement { matchOf: Map<number, ChartAnnotation>; missed: ChartAnnotation[] }

export interface StripChartOptions {
  /** A beat was selected (click, keyboard or select()). */
  onSelect?: (index: number) => void;
  /** The visible range changed; start and end are sample indices. */
  onViewChange?: (view: { start: number; end: number }) => void;
  /** The pointer is over a beat (its index) or over none (-1). */
  onHover?: (index: number, event: PointerEvent) => void;
}

export declare class StripChart {
  constructor(overview: HTMLCanvasElement, detail: HTMLCanvasElement, options?: StripChartOptions);
  readonly length: number;
  view: { start: number; end: number };
  beats: ChartBeat[];
  samples: Float32Array | null;
  readonly shading: ChartShading[];
  setSignal(signal: { samples: Float32Array; levels: PyramidLevel[]; sampleRate: number }): void;
  setBeats(beats: ChartBeat[], agreement?: ChartAgreement | null): void;
  setReference(annotations: ChartAnnotation[]): void;
  /** Replaces the shaded stretches (setSignal clears them), e.g. a result's summary.signalQuality.unusable. */
  setShading(stretches: ChartShading[]): void;
  setView(start: number, end: number): void;
  zoom(factor: number, centerSample?: number): void;
  pan(fraction: number): void;
  showSeconds(seconds: number): void;
  centerOn(sample: number, maxSpanSec?: number): void;
  select(index: number, options?: { center?: boolean }): void;
  /** Index of the first beat at or after a sample. */
  beatAt(sample: number): number;
  nextMatching(direction: 1 | -1, predicate: (beat: ChartBeat) => boolean): number;
  handleKey(event: KeyboardEvent): boolean;
  redraw(): void;
}
