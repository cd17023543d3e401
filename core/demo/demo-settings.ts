/**
 * The built-in example cluster: three memcached nodes on loopback growing to four. It is what
 * `npm run demo` plans when nothing else is given, and what the demo cluster starts.
 */

/** A name for the built-in file in messages, in place of a path. */
export const DEMO_SETTINGS_NAME = '<built-in demo cluster_settings>';

export const DEMO_SETTINGS_TEXT = [
  '# Demo cluster: three nodes on loopback growing to four.',
  'servers=127.0.0.1:11311,127.0.0.2:11311,127.0.0.3:11311',
  'new_servers=127.0.0.1:11311,127.0.0.2:11311,127.0.0.3:11311,127.0.0.4:11311',
  '',
].join('\n');
