'use strict';
// Why: matrix-appservice-bridge imports the native Matrix crypto package at load time, but its
// postinstall downloads a prebuilt binary that cannot be fetched here. This stand-in lets the
// bridge load; any real use (end-to-end encrypted rooms) fails loudly instead of silently.
function unsupported(name) {
  return new Error(
    `Matrix end-to-end encryption is not supported by Multichat Gateway (tried to use ${name}).`,
  );
}
function stub(name) {
  const target = function () {};
  return new Proxy(target, {
    get(_t, prop) {
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      return stub(`${name}.${String(prop)}`);
    },
    apply() {
      throw unsupported(name);
    },
    construct() {
      throw unsupported(name);
    },
  });
}
module.exports = new Proxy(
  {},
  {
    get(_t, prop) {
      if (prop === '__esModule') return false;
      if (typeof prop === 'symbol') return undefined;
      return stub(String(prop));
    },
  },
);
