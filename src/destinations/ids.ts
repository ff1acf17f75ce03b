/**
 * The destination ids, for help texts that must not load every destination module (cold start matters: cron
 * starts med-export every few minutes). A test checks this list against the registry.
 */
export const DESTINATION_IDS = ['mqtt', 'home_assistant', 'victoriametrics', 'jeedom'] as const;
