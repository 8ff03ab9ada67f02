import { trainSettingsSchema, type TrainSettingsInput } from './api';

/**
 * The fields of a remembered training-settings entry that are still valid settings: an entry
 * written by an older or newer studio may hold fields that were renamed, removed or re-bounded.
 */
export function validTrainSettings(stored: Record<string, unknown> | undefined): Partial<TrainSettingsInput> {
  if (!stored) return {};
  const out: Record<string, unknown> = {};
  const shape = trainSettingsSchema.shape;
  for (const [k, v] of Object.entries(stored)) {
    const field = shape[k as keyof typeof shape];
    if (field?.safeParse(v).success) out[k] = v;
  }
  return out as Partial<TrainSettingsInput>;
}
