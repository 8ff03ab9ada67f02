import type { ApiMethodName as ApiMethod } from '../../core/api-names';

/** One IPC channel per contract method, so each handler is bound (and tested) by name. */
export const callChannel = (method: ApiMethod): string => `studio:call:${method}`;
export const EVENT_CHANNEL = 'studio:event';
