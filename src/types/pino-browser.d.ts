// pino's browser build (`pino/browser.js`, what bundlers pick for browsers) ships no declarations of its
// own; it takes the options and returns the logger that pino's main declarations describe.
declare module 'pino/browser.js' {
  import type { pino } from 'pino';

  const browserPino: typeof pino;
  export default browserPino;
}
