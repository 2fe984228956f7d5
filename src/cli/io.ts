/** The process's streams and environment, passed to commands (tests give their own). */
export interface Io {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
}

export const EXIT_OK = 0;
/** Some object would fail to start or restore. */
export const EXIT_FAILS = 1;
/** Bad input or usage: nothing was judged, or not everything. */
export const EXIT_USAGE = 2;
