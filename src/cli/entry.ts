/** The built CLI's entry: `bin/hybrid-toolbox.mjs` imports the bundle made from this file. */
import { main } from './main.ts';
import { nodeIo } from './node-io.ts';

process.exitCode = await main(process.argv.slice(2), nodeIo());
