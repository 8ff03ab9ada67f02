/**
 * The three trainer hosts (main/trainer/host-types.ts), named as their messages name them, for
 * tests that run a job in each: a worker thread, a child process, and Electron's utility process
 * through the fake (fake-utility-process.ts). A new list per call: the fake keeps state.
 */
import { processHost } from '../../main/trainer/host-process';
import { threadHost } from '../../main/trainer/host-thread';
import type { TrainerHostFactory } from '../../main/trainer/host-types';
import { utilityProcessHost } from '../../main/trainer/host-utility';
import { fakeUtilityProcess } from './fake-utility-process';

export function trainerHosts(): [string, TrainerHostFactory][] {
  return [
    ['worker thread', threadHost],
    ['child process', processHost()],
    ['utility process', utilityProcessHost(fakeUtilityProcess())],
  ];
}
