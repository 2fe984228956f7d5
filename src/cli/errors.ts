/** A problem with what the user gave us: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Bad input in one document of one file. */
export class InputError extends Error {}
