import { Type, type StringOptions } from '@sinclair/typebox';

/**
 * Text a person typed, as the REST schemas accept it. PostgreSQL refuses NUL in `text` and lone UTF-16
 * surrogates in `jsonb`; both were 500s (found by the fuzz), so the schema refuses them first with a coded
 * 400, like any other control character: names and labels are one line (no C0/C1 controls at all), notes
 * and comments may hold tabs and line breaks. The patterns run with Ajv's `u` flag, where a paired surrogate
 * is one code point above U+FFFF and only a lone one matches `\uD800-\uDFFF`.
 */
const LINE = '^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$';
const MULTILINE = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$';

/** One line of text: a name, a title, a label. */
export const PlainLine = (options: StringOptions = {}) => Type.String({ ...options, pattern: LINE });

/** Several lines: a note, a comment, a reply. */
export const PlainText = (options: StringOptions = {}) => Type.String({ ...options, pattern: MULTILINE });

/** The same tests for code that checks text outside a schema. */
export const PLAIN_LINE = new RegExp(LINE, 'u');
export const PLAIN_TEXT = new RegExp(MULTILINE, 'u');
