// libp2p 3.x calls Promise.withResolvers, which Node gained in 22. Node 20.19 needs this before
// any libp2p module is evaluated: the CLI loads it first and vitest lists it in setupFiles.
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
