// Types of the ECG strip chart (arrhythmiavision/chart): overview + detail canvases over a min/max pyramid.
/** Class colours (Okabe-Ito hues, white text at >= 4.5:1); MARKER_SHAPES gives each class its own marker too. */
export declare const CLASS_COLORS: Record<'N' | 'L' | 'R' | 'A' | 'V', string>;
export declare const MARKER_SHAPES: Record<'N' | 'L' | 'R' | 'A' | 'V', 'circle' | 'square' | 'diamond' | 'triangle' | 'hexagon'>;
/** CSS pixels per CSS millimetre: 96 / 25.4. */
export declare const PX_PER_MM: number;
export declare const PAPER_SPEEDS: readonly [25, 50];
export declare const PAPER_GAINS: readonly [5, 10, 20];
/** Paper mode: ECG paper at a speed (mm/s) and gain (mm/mV) in true CSS millimetres. */
export interface ChartPaper { mmPerSec: 25 | 50; mmPerMv: 5 | 10 | 20 }
/** The drawn scale in CSS px, and the same in mm. */
export interface ChartCalibration { pxPerSec: number; pxPerMv: number; mmPerSec: number; mmPerMv: number }
/** The calipers' reading: the edges (samples), Δt, the rate it implies and the trace's amplitude difference. */
export interface CaliperReading { startSample: number; endSample: number; dtMs: number; bpm: number | null; dMv: number }

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
  /** The calipers moved, or caliper mode changed (null when it is off). */
  onCaliper?: (reading: CaliperReading | null) => void;
}

/**
 * The strip chart. Its colours come from CSS custom properties on the detail canvas (and on LeadStack strips):
 * --av-paper, --av-trace, --av-grid-minor, --av-grid-major, --av-paper-minor, --av-paper-major.
 */
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
  /** Keys: ← → pan, + − zoom, Home/End, [ ] beats, n p abnormal beats, c calipers; in caliper mode ← → move the
   *  active edge one sample (Shift: ten), e switches the edge, m marches the interval out, Escape leaves. */
  handleKey(event: KeyboardEvent): boolean;
  /** Paper mode (the speed then sets the view's span; zoom() does nothing), or null for the free zoom. */
  setPaper(paper: ChartPaper | null): void;
  readonly paper: (ChartPaper & { pxPerSec: number; pxPerMv: number }) | null;
  calibration(): ChartCalibration;
  /** Caliper mode: dragging measures instead of panning; on entry the calipers span the selected (or first visible) beat and the next. */
  setCaliperMode(on: boolean): void;
  readonly caliperMode: boolean;
  caliper(): CaliperReading | null;
  /** Left edge of the plot in CSS px (the calibration gutter in paper mode, else 0). */
  readonly plotLeftCss: number;
  redraw(): void;
  /** Removes the chart's listeners and resize observer and blanks its canvases (e.g. before a new chart on the same canvases). */
  destroy(): void;
}

/** More leads stacked under a StripChart, on its time axis (view, zoom, paper gutter and, in paper mode, gain). */
export declare class LeadStack {
  constructor(container: HTMLElement, chart: StripChart);
  /** One strip per lead (a canvas with data-lead, data-view-start and data-view-end); [] removes them. */
  setLeads(leads: { name: string; samples: Float32Array; levels: PyramidLevel[] }[]): void;
  /** Call when the chart's view or paper changes (e.g. from onViewChange). */
  redraw(): void;
  destroy(): void;
}

/** Heart-rate trend (mean bpm per bin) and RR tachogram (a dot per RR) of the whole recording, with event ticks and
 *  the chart's view; a click or drag centres the chart there (keeping its zoom). */
export declare class HrTrend {
  constructor(canvas: HTMLCanvasElement, chart: StripChart);
  setData(data: { beats: ChartBeat[]; events?: { startSample: number; endSample: number; type: string }[]; sampleRate: number; length: number }): void;
  clear(): void;
  /** Call when the chart's view changes. */
  redraw(): void;
  destroy(): void;
}
