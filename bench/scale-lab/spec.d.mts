/** Types of spec.mjs: what the lab scale benchmark publishes. */
export declare const SERVICE_TYPE: string;
export declare const TYPE_FQDN: string;
export declare const BOASTER_HOST: string;
export declare const AVAHI_HOST: string;
/** Largest UDP payload on a 1500-byte Ethernet link with IPv4 (RFC 6762 §17). */
export declare const PACKET_BUDGET: number;
export declare function instanceName(i: number): string;
export declare function instanceFqdn(i: number): string;
export declare function servicePort(i: number): number;
export declare function hwid(i: number): string;
/** A static service file for avahi-daemon (/etc/avahi/services/*.service). */
export declare function avahiServiceFile(i: number): string;
