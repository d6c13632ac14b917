// PLACEHOLDER for the merge with issue 11 (branch `runtime`), which makes this file the real errors module. Until
// then the OAuth modules of this folder import the error classes through this thin re-export of the committed
// generated errors (same classes, same names), so they type-check and run in tests. At the merge, take the
// `runtime` branch's version of this file.
export * from '../../generated/errors.js';
