/**
 * The two kinds of memcached that hold MemcachedStore clusters, as Astaire names them. Pure: the
 * renderer shows these names too, so this file imports nothing.
 */

/** `stock`: memcached 1.6 or later (meta commands, LRU crawler); `clearwater`: the fork (TAP). */
export type Dialect = 'stock' | 'clearwater';

/** How each dialect is named to an operator. */
export const DIALECT_LABELS: Readonly<Record<Dialect, string>> = {
  stock: 'memcached (meta)',
  clearwater: 'Clearwater memcached (TAP)',
};
