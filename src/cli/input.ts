// Reading the objects to judge: files, directories (recursively, *.yaml,
// *.yml, *.json), `-` for stdin; multi-document YAML. Every problem names the
// file and the document number.

import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Composer, type CST, type Document, Lexer, LineCounter, Parser } from 'yaml';
import { InputError } from './errors.js';

export interface InputDocument {
  /** `file#n`, n counting documents from 1. */
  source: string;
  file: string;
  index: number;
  value: unknown;
}

const MANIFEST = /\.(ya?ml|json)$/i;

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function describeFsError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code;
  const reason =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'is a directory'
          : (error as Error).message;
  return new InputError(`${path}: cannot read: ${reason}`);
}

/** The manifest files a path stands for, in a stable order. */
async function expand(path: string): Promise<string[]> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch (error) {
    throw describeFsError(path, error);
  }
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) files.push(...(await expand(child)));
    else if (MANIFEST.test(entry.name)) files.push(child);
  }
  return files;
}

/**
 * How deep collections may nest: far beyond any manifest, far below what
 * yaml's parser and composer survive. They recurse once per level; deeper
 * input overflows the stack, and a few such documents in a row can abort Node
 * itself ("RegExpCompiler Allocation failed").
 */
export const MAX_YAML_NESTING = 256;

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super(`collections nested more than ${MAX_YAML_NESTING} deep`);
  }
}

/** yaml's own parse loop, stopped once more than MAX_YAML_NESTING collections are open. */
function* boundedTokens(text: string, lineCounter: LineCounter): Generator<CST.Token> {
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0);
  for (const lexeme of new Lexer().lex(text)) {
    yield* parser.next(lexeme);
    // The parser's stack holds the document and the scalar being read, and each open collection.
    if (parser.stack.length > MAX_YAML_NESTING + 2) throw new TooDeep(parser.offset);
  }
  yield* parser.end();
}

/** Parses one file's text; each document either has a value or throws when read. */
export function parseDocuments(file: string, text: string): (InputDocument | InputError)[] {
  const lineCounter = new LineCounter();
  // parseAllDocuments, with a nesting limit; documents after a too deep one are not read.
  const composer = new Composer({ uniqueKeys: false });
  const list: Document.Parsed[] = [];
  let tooDeep: TooDeep | undefined;
  try {
    for (const document of composer.compose(boundedTokens(text, lineCounter))) list.push(document);
  } catch (error) {
    if (!(error instanceof TooDeep)) throw error;
    list.push(...composer.end());
    tooDeep = error;
  }
  const results: (InputDocument | InputError)[] = [];
  list.forEach((document, position) => {
    const index = position + 1;
    const source = `${file}#${index}`;
    const error = document.errors[0];
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      const where = ` (line ${line}, column ${col})`;
      const message = error.message.split('\n')[0];
      results.push(new InputError(`${file}: document ${index}: invalid YAML: ${message}${where}`));
      return;
    }
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // An alias bomb ("Excessive alias count ..."), or an alias to an anchor that does not exist.
      results.push(new InputError(`${file}: document ${index}: invalid YAML: ${(error as Error).message}`));
      return;
    }
    if (value === null || value === undefined) return; // an empty document, e.g. after a trailing ---
    results.push({ source, file, index, value });
  });
  if (tooDeep) {
    const { line, col } = lineCounter.linePos(tooDeep.offset);
    results.push(
      new InputError(
        `${file}: document ${list.length + 1}: invalid YAML: ${tooDeep.message} (line ${line}, column ${col}); the rest of the file is not read`,
      ),
    );
  }
  return results;
}

export interface ReadResult {
  documents: InputDocument[];
  errors: InputError[];
}

/** Reads every path; problems in one file or document do not stop the others. */
export async function readInputs(
  paths: readonly string[],
  stdin: NodeJS.ReadableStream,
): Promise<ReadResult> {
  const documents: InputDocument[] = [];
  const errors: InputError[] = [];
  for (const path of paths) {
    let files: string[];
    try {
      files = path === '-' ? ['-'] : await expand(path);
    } catch (error) {
      errors.push(error as InputError);
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = file === '-' ? await readStream(stdin) : await readFile(file, 'utf8');
      } catch (error) {
        errors.push(describeFsError(file, error));
        continue;
      }
      const name = file === '-' ? '<stdin>' : file;
      for (const result of parseDocuments(name, text)) {
        if (result instanceof InputError) errors.push(result);
        else documents.push(result);
      }
    }
  }
  return { documents, errors };
}
