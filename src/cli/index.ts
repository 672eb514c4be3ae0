/** CLI: the `plugboard` command. */
export { buildProgram } from './main.ts';
