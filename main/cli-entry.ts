import { runCli } from './cli';
import { quietOnnxRuntimeLogs } from './ort-log';

quietOnnxRuntimeLogs();

runCli(process.argv.slice(2)).then((code) => {
  if (code !== 0) process.exitCode = code;
});
