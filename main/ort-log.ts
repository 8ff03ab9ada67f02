import * as ort from 'onnxruntime-node';

const LEVELS = ['verbose', 'info', 'warning', 'error', 'fatal'] as const;
type Level = (typeof LEVELS)[number];

/**
 * onnxruntime prints its own log lines (a provider library that is not installed while probing
 * devices, graph-optimizer notes) straight to the terminal, in red. They are for developers: every
 * failure that matters reaches the studio as an exception and is reported with its reason. Must run
 * before the first session is created; CNN_STUDIO_ORT_LOG=warning|info|verbose brings them back.
 */
export function quietOnnxRuntimeLogs(): void {
  const want = process.env['CNN_STUDIO_ORT_LOG'];
  ort.env.logLevel = LEVELS.includes(want as Level) ? (want as Level) : 'fatal';
}
