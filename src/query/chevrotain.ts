import * as path from 'node:path';
import type * as Chevrotain from 'chevrotain';

/**
 * chevrotain 11 is an ES module whose own dependencies (`@chevrotain/*`) export only an `import`
 * entry. Node 20 can `require` it natively, but tsx (which runs the tests and the CLI from source)
 * rewrites required ES modules to CommonJS and then fails to resolve those dependencies. The
 * package also ships one self-contained bundle, which loads the same way under both.
 */
const bundle = path.join(path.dirname(require.resolve('chevrotain')), '..', 'chevrotain.mjs');

// The bundle exports exactly the package's API; its types are the package's.
const chevrotain = require(bundle) as typeof Chevrotain;

export const { createToken, EmbeddedActionsParser, EOF, Lexer, tokenMatcher } = chevrotain;
export type { IToken, TokenType } from 'chevrotain';
