import type { Command } from 'commander';
import type { CliIO } from './io';
import { registerServe } from './serve';
import { registerPredict } from './predict';
import { registerBench } from './bench';
import { registerDataset } from './dataset';
import { registerTemplate } from './template';
import { registerInfo } from './info';
import { registerExport } from './export';
import { registerImport } from './import';
import { registerTrain } from './train';
import { registerEval } from './eval';
import { registerExportPytorch } from './export-pytorch';
import { registerDevices } from './devices';
import { registerCache } from './cache';
import { registerExplain } from './explain';
import { registerLrFind } from './lr-find';
import { registerDoctor } from './doctor';
import { registerPretrained } from './pretrained';

/** Every subcommand registers itself here: one file per command under main/commands/. */
export type RegisterCommand = (program: Command, io: CliIO) => void;

export const commands: RegisterCommand[] = [
  registerServe,
  registerPredict,
  registerBench,
  registerDataset,
  registerTemplate,
  registerInfo,
  registerExport,
  registerImport,
  registerTrain,
  registerEval,
  registerExportPytorch,
  registerDevices,
  registerCache,
  registerExplain,
  registerLrFind,
  registerDoctor,
  registerPretrained,
];
