// Reading the configuration file. The one piece of file I/O in src/policy,
// kept beside the schema so that the CLI and the server read it the same way.

import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { type Config, ConfigError, parseConfig } from './config.js';

export async function loadConfigFile(path: string | undefined): Promise<Config> {
  if (path === undefined) return parseConfig({});
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(
      `${path}: cannot read: ${code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
    );
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new ConfigError(`${path}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  return parseConfig(document, path);
}
