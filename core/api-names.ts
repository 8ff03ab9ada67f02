/**
 * Method and event names of the contract, without the schemas: the Electron preload needs only
 * these, and importing them from here keeps zod out of its bundle. api.ts checks at compile time
 * that this list and the schemas name the same methods.
 */
export const API_METHOD_NAMES = [
  'version',
  'startup',
  'executionProviders',
  'openProject',
  'saveProject',
  'chooseFile',
  'listDirectory',
  'saveRecovery',
  'loadRecovery',
  'clearRecovery',
  'scanDataset',
  'imageThumbs',
  'trainStart',
  'trainControl',
  'listRuns',
  'evaluateRun',
  'predict',
  'modelLayers',
  'activations',
  'exportRunOnnx',
  'exportRunPytorch',
  'exportProjectPytorch',
  'studioSample',
  'openOnnx',
  'loadSettings',
  'saveSettings',
  'datasetCache',
  'clearDatasetCache',
  'augmentPreview',
  'explainImage',
  'lrFind',
  'lrFindCancel',
  'doctorRun',
  'doctorMove',
  'doctorExclude',
  'doctorUndo',
  'pretrainedCatalog',
  'pretrainedPrepare',
  'pretrainedCancel',
] as const;
export type ApiMethodName = (typeof API_METHOD_NAMES)[number];

export const API_EVENT_NAMES = ['log', 'projectOpened', 'menu', 'run', 'pretrained'] as const;
export type ApiEventNameLiteral = (typeof API_EVENT_NAMES)[number];
