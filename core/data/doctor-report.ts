/**
 * The data doctor's report (main/doctor/doctor.ts), as the CLI's --json prints it and the Data
 * tab shows it. Paths are absolute; `rel` is the same image relative to the dataset folder, the
 * form the Move and Exclude actions take.
 */

/** Log events of a running doctor start with this (the Data tab shows the latest as progress). */
export const DOCTOR_LOG_PREFIX = 'data doctor: ';

export interface DoctorMislabel {
  path: string;
  rel: string;
  /** the class folder it is filed under */
  label: string;
  /** the class the out-of-sample model confidently predicts */
  suggested: string;
  /** p(suggested | image), out of sample */
  confidence: number;
  /** p(label | image), out of sample */
  selfConfidence: number;
}

export interface DoctorDuplicate {
  paths: string[];
  rels: string[];
  labels: string[];
  /** smallest greyscale-thumbnail correlation among the pairs that formed the group (1: same pixels up to brightness and contrast) */
  similarity: number;
  /** smallest penultimate-layer embedding cosine among those pairs */
  embeddingCosine: number;
  /** largest pHash Hamming distance (of 64 bits) among those pairs */
  hashDistance: number;
  /** members in more than one split (train and validation/test): leakage */
  crossSplit: boolean;
  /** members filed under more than one class */
  crossClass: boolean;
}

export interface DoctorOutlier {
  path: string;
  rel: string;
  label: string;
  /** the class whose centroid is nearest */
  nearest: string;
  /** 1 - cosine to that centroid */
  distance: number;
}

export interface DoctorMethod {
  /** folds of the cross-validation over the images it covers */
  folds: number;
  /** epochs each fold model trained */
  epochs: number;
  /** images scored by fold models */
  crossValidated: number;
  /** images of a val/ or test/ folder, scored by the run's own model (it never trained on them) */
  heldOut: number;
  /** per-class confident-learning thresholds t_j (mean self-confidence), by class */
  thresholds: Record<string, number>;
}

export interface DoctorReport {
  data: string;
  run: string;
  classes: string[];
  images: number;
  method: DoctorMethod;
  suspectedMislabels: DoctorMislabel[];
  duplicates: DoctorDuplicate[];
  outliers: DoctorOutlier[];
  unreadable: { path: string; reason: string }[];
}

/** One of the doctor's edits to a dataset folder, as journalled (main/data/dataset-edits.ts); paths relative to the folder. */
export type DatasetEdit = { action: 'move'; from: string; to: string; time: string } | { action: 'exclude'; path: string; time: string };

/** What a Move, Exclude or Undo did, and how many edits remain undoable. */
export interface DatasetEditResult {
  edit: DatasetEdit;
  undoable: number;
}
