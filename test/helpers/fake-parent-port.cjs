// Loaded with --require into a process forked by fake-utility-process.ts: gives the process
// Electron's utility-process view of its parent (docs/api/parent-port.md) instead of Node's IPC.
//   process.parentPort.on('message', (e) => e.data)   messages queue until a listener is added
//   process.parentPort.postMessage(m)
// process.send is hidden, as a utility process has none. The IPC channel is unref'd: like a
// packaged Electron app's utility process, nothing here keeps the process alive but the script's
// own handles.
'use strict';
const { EventEmitter } = require('node:events');

const send = process.send.bind(process);
const port = new EventEmitter();
const queued = [];
let started = false;

const deliver = (data) => port.emit('message', { data, ports: [] });
process.on('message', (data) => {
  if (started) deliver(data);
  else queued.push(data);
});
process.channel.unref();

port.on('newListener', (name) => {
  if (name !== 'message' || started) return;
  started = true;
  setImmediate(() => {
    while (started && queued.length) deliver(queued.shift());
  });
});
port.on('removeListener', (name) => {
  if (name === 'message' && port.listenerCount('message') === 0) started = false;
});
port.postMessage = (message) => send(message);

Object.defineProperty(process, 'parentPort', { enumerable: true, writable: false, value: port });
process.send = undefined;
