/**
 * The port an entry without one is reached on, said beside the list. The entry is kept as typed:
 * the clients hash the entry's text, so adding ":11211" would move its ring positions.
 */
import { MEMCACHED_DEFAULT_PORT } from '../../core/shared/server-address.js';

export function ImpliedPortHint(props: {
  readonly entries: readonly string[];
  readonly id?: string;
}) {
  const { entries, id } = props;
  if (entries.length === 0) return null;
  const list = entries.map((entry) => `${entry}:${MEMCACHED_DEFAULT_PORT}`).join(', ');
  return (
    <p className="hint implied-port" {...(id === undefined ? {} : { id })}>
      Port {MEMCACHED_DEFAULT_PORT} assumed: {entries.length === 1 ? 'it is' : 'they are'} reached
      at <span className="mono">{list}</span> (the entries are saved as written).
    </p>
  );
}
