/**
 * cnn-studio devices [--json] [--no-self-test] [--retest]: each execution provider, whether
 * onnxruntime-node offers it here and a session loads, the adapter or device it runs on (and
 * whether that is a software adapter), the reference self-test against the CPU, and why a provider
 * cannot be used. The self-test of a provider runs once per driver; later calls show the cached verdict.
 */
import type { Command } from 'commander';
import type { ExecutionProviderInfo } from '../../core/api';
import { loadOrt, probeExecutionProviders } from '../providers';
import { adapterFor } from '../providers/adapters';
import { realHost } from '../providers/host-probe';
import { selfTestProvider } from '../providers/provider-self-test';
import type { CliIO } from './io';

interface DevicesFlags {
  json?: boolean;
  selfTest?: boolean;
  retest?: boolean;
}

const yesNo = (b: boolean): string => (b ? 'yes' : 'no');

function selfTestCell(p: ExecutionProviderInfo): string {
  if (p.name === 'cpu') return 'reference';
  const t = p.selfTest;
  if (!t) return '-';
  const layout = t.layout === 'NCHW' ? ', NCHW' : '';
  return `${t.passed ? 'passed' : 'REFUSED'}${layout}${t.cached ? ' (cached)' : ''}`;
}

export function formatDevices(list: readonly ExecutionProviderInfo[]): string {
  const rows = list.map((p) => [
    p.label,
    yesNo(p.offered),
    p.offered ? yesNo(p.available) : '-',
    p.adapter ? `${p.adapter}${p.software ? ' [software]' : ''}` : '-',
    selfTestCell(p),
  ]);
  const head = ['provider', 'offered', 'loads', 'adapter / device', 'self-test'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => Math.min(60, r[i]!.length))));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head)];
  list.forEach((p, i) => {
    out.push(line(rows[i]!));
    if (p.reason && p.offered) out.push(`    why not: ${p.reason}`);
    if (p.selfTest && p.name !== 'cpu') out.push(`    self-test: ${p.selfTest.message}`);
    if (p.available && p.software) out.push('    note: a software adapter; --device auto passes it over (slower than the CPU provider)');
  });
  const offeredNot = list.filter((p) => !p.offered).map((p) => p.label);
  if (offeredNot.length > 0) out.push('', `not offered on ${process.platform}/${process.arch}: ${offeredNot.join(', ')}`);
  return out.join('\n');
}

export async function listDevices(o: { selfTest: boolean; retest: boolean }): Promise<ExecutionProviderInfo[]> {
  const list = await probeExecutionProviders({ timeoutMs: 60_000 });
  if (!o.selfTest) return list;
  const ort = await loadOrt();
  for (const p of list) {
    if (!p.available || p.name === 'cpu' || p.name === 'tensorrt') continue;
    try {
      p.selfTest = await selfTestProvider(p.name, { ort, driverKey: adapterFor(p.name, realHost).driverKey, force: o.retest });
    } catch (e) {
      p.selfTest = { passed: false, layout: null, maxDiff: null, message: `the self-test could not run: ${(e as Error).message}`, cached: false, ms: 0 };
    }
  }
  return list;
}

export function registerDevices(program: Command, io: CliIO): void {
  program
    .command('devices')
    .description('list execution providers: loads here?, adapter/device, software adapter?, self-test against the CPU')
    .option('--json', 'print the list as JSON (ExecutionProviderInfo[])')
    .option('--no-self-test', 'skip the reference self-test of GPU providers')
    .option('--retest', 'run the self-test again instead of showing the cached verdict')
    .action(async (o: DevicesFlags) => {
      const list = await listDevices({ selfTest: o.selfTest !== false, retest: o.retest === true });
      io.out(o.json ? JSON.stringify(list, null, 2) : formatDevices(list));
    });
}
