/**
 * Keep-alive connections that are closed only when they really are idle.
 *
 * Node's HTTP server closes a keep-alive connection when its idle timer fires, with
 * `socket.destroy()`. After the event loop was blocked for longer than `keepAliveTimeout` (a
 * long GC, a heap snapshot, a SIGSTOP, a loaded machine), timers run before pending I/O is read:
 * a request the client already sent on that connection is still unread in the kernel's buffer,
 * and the destroy answers it with a TCP reset. The client sees ECONNRESET for a POST the gateway
 * never read, so it cannot know whether to retry (issue 23: 30 of ~1,800 posts in a 15 s stall).
 *
 * With a `timeout` listener the server leaves the decision to us (`socketOnTimeout` in Node's
 * `_http_server`): the close waits one turn of the loop (`setImmediate` runs after the poll phase,
 * which reads whatever the socket holds) and happens only if nothing arrived meanwhile. A request
 * that did arrive resets the connection's timer itself and is served like any other.
 */
import type { Socket } from 'node:net';

/** What this needs of `http.Server` (the node adapter's server is one). */
export interface TimeoutEmitter {
  on(event: 'timeout', listener: (socket: Socket) => void): unknown;
}

export function closeOnlyIdleConnections(server: TimeoutEmitter): void {
  server.on('timeout', (socket: Socket) => {
    const read = socket.bytesRead;
    setImmediate(() => {
      if (!socket.destroyed && socket.bytesRead === read) socket.destroy();
    });
  });
}
