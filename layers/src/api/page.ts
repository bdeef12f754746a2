import { Type, type TSchema } from '@sinclair/typebox';

/** A list response (ARCHITECTURE.md): `{ items, nextCursor? }`, the cursor opaque to clients. */
export const PageSchema = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    nextCursor: Type.Optional(Type.String({ description: 'pass as `cursor` for the next page' })),
  });

/** A complete list (reference data): `{ items }`. */
export const ListSchema = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
