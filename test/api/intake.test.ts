/**
 * The one intake (RFC 6762 §6, §18): decoded once, the protocol's drops
 * applied once and counted, a throwing listener reported while the others
 * still get the packet.
 */
import { describe, expect, it } from 'vitest';
import { Intake } from '../../src/core/intake.js';
import { encodePacket } from '../../src/wire/encode.js';
import { fakeTransport, PEER, q } from '../protocol/helpers.js';

describe('Intake', () => {
  it('drops and counts bad packets, other opcodes, responses with an RCODE or from another port; dispatches the rest', async () => {
    const transport = fakeTransport();
    await transport.start();
    const errors: unknown[] = [];
    const intake = new Intake(transport, (e) => errors.push(e));
    const got: string[] = [];
    intake.on('query', () => {
      throw new Error('a listener that throws');
    });
    intake.on('query', (i) => got.push(`query ${i.packet.questions[0]?.name}`));
    intake.on('response', (i) => got.push(`response ${i.packet.answers[0]?.name}`));
    const from = (data: Uint8Array, port = 5353): void =>
      transport.deliver({ data, interface: 'eth0', source: { address: PEER.address, port } });
    const answer = [{ name: 'x.local', type: 'A' as const, class: 1, ttl: 120, data: '192.0.2.7' }];
    from(Uint8Array.of(1, 2, 3));
    from(encodePacket({ id: 0, flags: 0x2800, questions: [q('a.local', 'A')] })); // OPCODE 5 (UPDATE)
    from(encodePacket({ id: 0, flags: 0x8403, answers: answer })); // RCODE 3
    from(encodePacket({ id: 0, flags: 0x8400, answers: answer }), 40000); // a response not from 5353
    from(encodePacket({ id: 0, flags: 0, questions: [q('a.local', 'A')] }), 40000); // a legacy query: fine
    from(encodePacket({ id: 0, flags: 0x8400, answers: answer }));
    expect(got).toEqual(['query a.local', 'response x.local']);
    expect(Object.fromEntries(intake.malformed)).toEqual({ TRUNCATED: 1 });
    expect(intake.dropped).toEqual({ opcode: 1, rcode: 1, 'response-port': 1, 'no-interface': 0 });
    expect(errors).toHaveLength(1);
  });
});
