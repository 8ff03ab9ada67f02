import type { Command } from 'commander';
import path from 'node:path';
import { Backend } from '../backend';
import { projectCodec } from '../project-codec';
import { rendererDir } from '../paths';
import { startServer } from '../server/server';
import { CliError, type CliIO } from './io';

export function registerServe(program: Command, io: CliIO): void {
  program
    .command('serve')
    .description('run the studio in a browser: host the backend and the UI over HTTP on this machine')
    .argument('[project]', 'a project file to open on start')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', '8765')
    .option('--host <address>', 'address to bind; keep 127.0.0.1 and use an SSH tunnel for remote access', '127.0.0.1')
    .action(async (project: string | undefined, o: { port: string; host: string }) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port: "${o.port}" is not a port number (0-65535)`);
      const backend = new Backend({ host: 'serve', codec: projectCodec, startupProject: project ? path.resolve(project) : null });
      if (project) {
        const state = await backend.startup();
        if (state.error) throw new CliError(state.error);
      }
      let server;
      try {
        server = await startServer({ backend, staticDir: rendererDir(), port, host: o.host });
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EADDRINUSE') throw new CliError(`port ${port} is in use: pick another with --port, or --port 0 for a free one`);
        throw new CliError(`cannot listen on ${o.host}:${port}: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (o.host !== '127.0.0.1' && o.host !== 'localhost' && o.host !== '::1') {
        io.err(`warning: listening on ${o.host}: anyone who can reach it and has the token can use this studio and read files it can read`);
      }
      io.out(`CNN Studio is running at ${server.openUrl}`);
      io.out("Open that URL in a browser (it carries this session's token). Press Ctrl+C to stop.");
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void server.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
