/**
 * What the lab scale benchmark publishes, shared by the bench (avahi's
 * service files, the analysis) and the boaster driver run inside h0: N
 * services `svc-<i>` of `_bench._tcp`, port 8000 + i % 1000, TXT
 * `hwid=<16 hex>` (the same values as bench/scale/worker.ts). Plain JavaScript
 * (types in spec.d.mts): the driver runs it under plain Node, beside dist/.
 */
export const SERVICE_TYPE = '_bench._tcp';
export const TYPE_FQDN = `${SERVICE_TYPE}.local`;
export const BOASTER_HOST = 'bench-boaster';
export const AVAHI_HOST = 'bench-avahi';
/** Largest UDP payload on a 1500-byte Ethernet link with IPv4 (RFC 6762 §17). */
export const PACKET_BUDGET = 1472;

export function instanceName(i) {
  return `svc-${i}`;
}

export function instanceFqdn(i) {
  return `${instanceName(i)}.${TYPE_FQDN}`;
}

export function servicePort(i) {
  return 8000 + (i % 1000);
}

export function hwid(i) {
  return `${(Math.imul(i + 1, 2654435761) >>> 0).toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`;
}

/** A static service file for avahi-daemon (/etc/avahi/services/*.service). */
export function avahiServiceFile(i) {
  return [
    '<?xml version="1.0" standalone="no"?>',
    '<!DOCTYPE service-group SYSTEM "avahi-service.dtd">',
    '<service-group>',
    `  <name>${instanceName(i)}</name>`,
    '  <service>',
    `    <type>${SERVICE_TYPE}</type>`,
    `    <port>${servicePort(i)}</port>`,
    `    <txt-record>hwid=${hwid(i)}</txt-record>`,
    '  </service>',
    '</service-group>',
    '',
  ].join('\n');
}
