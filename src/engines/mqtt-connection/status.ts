/**
 * The retained availability topic of a publisher: `online` once connected, `offline` as the connection's last
 * will, so a subscriber (Home Assistant's `availability_topic`) knows whether the values are kept up to date.
 */
export const ONLINE = 'online';
export const OFFLINE = 'offline';

export function statusTopic(prefix: string): string {
  return `${prefix}/status`;
}
