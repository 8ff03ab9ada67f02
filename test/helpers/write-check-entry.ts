// Run as an unprivileged user by faults.test.ts (root ignores file modes): the trainer's own
// output-folder check on the folder named by argv[2]; prints its message, or "writable".
import { ensureWritableFolder } from '../../main/trainer/run-folder';

ensureWritableFolder(process.argv[2]!).then(
  () => console.log('writable'),
  (e: Error) => console.log(e.message),
);
