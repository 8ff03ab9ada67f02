import { runCli } from './cli';
import { ConfigError, readConfig } from './config';
import { quietOnnxRuntimeLogs } from './ort-log';

/** A bad CNN_STUDIO_* value stops the CLI before any command, in one line naming the variable. */
function environmentUsable(): boolean {
  try {
    readConfig();
    return true;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`error: ${e.message}\n`);
    process.exitCode = 2;
    return false;
  }
}

if (environmentUsable()) {
  quietOnnxRuntimeLogs();
  runCli(process.argv.slice(2)).then((code) => {
    if (code !== 0) process.exitCode = code;
  });
}
