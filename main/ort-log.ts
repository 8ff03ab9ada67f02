import * as ort from 'onnxruntime-node';
import { readConfig } from './config';

/**
 * onnxruntime prints its own log lines (a provider library that is not installed while probing
 * devices, graph-optimizer notes) straight to the terminal, in red. They are for developers: every
 * failure that matters reaches the studio as an exception and is reported with its reason. Must run
 * before the first session is created; CNN_STUDIO_ORT_LOG=warning|info|verbose
 * (main/config.ts) brings them back.
 */
export function quietOnnxRuntimeLogs(): void {
  ort.env.logLevel = readConfig().ortLog;
}
