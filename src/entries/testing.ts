/**
 * `boaster/testing`: test doubles for code built on boaster. A
 * `FakeTransport` records what would be sent and delivers what a test says
 * was received, so a `Responder` or `Mdns` runs on a fake clock with no
 * network (`new Mdns({ transport: new FakeTransport([fakeInterface()]) })`).
 * No side effects on import.
 *
 * @packageDocumentation
 */
export { FakeTransport, fakeInterface } from '../transport/fake-transport.js';
export type { SentPacket } from '../transport/fake-transport.js';
