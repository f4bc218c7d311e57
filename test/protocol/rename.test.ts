/**
 * Manual name changes (Service.rename): goodbyes for the old name, then the
 * new one probed and announced (RFC 6762 §8.4, §10.1), on a fake clock.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BoasterError } from '../../src/errors.js';
import { encodePacket } from '../../src/wire/encode.js';
import {
  about,
  advanceTo,
  announcedResponder,
  ENUM,
  FLAGS_RESPONSE,
  INSTANCE,
  probes,
  ptr,
  publishAnnounced,
  responderHarness,
  responses,
  sentPackets,
  SPEC,
  SPEC_TXT,
  srv,
  times,
  txt,
  TYPE,
  useFakeClock,
} from './helpers.js';

const NEW = `Kitchen.${TYPE}`;

beforeEach(useFakeClock);
afterEach(() => {
  vi.useRealTimers();
});

describe('Service.rename', () => {
  it('RFC 6762 §10.1, §8.4: goodbye (TTL 0) for every record of the old name at once, then the new name probed 250 ms apart and announced', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    const renamed = service.rename('Kitchen');
    await vi.advanceTimersByTimeAsync(0);
    const sent = sentPackets(transport, mark);
    // The goodbye: the old instance's PTR, SRV and TXT, but not the enumeration PTR the new name still uses.
    expect(sent[0]).toEqual({
      at: 5000,
      target: { interface: 'eth0', family: 4 },
      size: expect.any(Number),
      packet: {
        id: 0,
        flags: FLAGS_RESPONSE,
        questions: [],
        answers: [ptr(TYPE, INSTANCE, 0), srv(INSTANCE, 8080, 'testhost.local', 0), txt(INSTANCE, SPEC_TXT, 0)],
        authorities: [],
        additionals: [],
      },
    });
    expect(sent[1]?.packet).toEqual(sent[0]?.packet);
    expect(sent[1]?.target.family).toBe(6);
    expect(service.state).toBe('probing');
    await advanceTo(6000);
    expect(times(probes(about(transport, NEW, mark)))).toEqual([5125, 5375, 5625]);
    expect(times(responses(about(transport, NEW, mark)))).toEqual([5875]);
    await expect(renamed).resolves.toBe('Kitchen');
    expect(service.name).toBe('Kitchen');
    expect(service.fullName).toBe(NEW);
    // The old name is no longer answered for, the new one is.
    const announcement = responses(about(transport, NEW, mark))[0]?.packet;
    expect(announcement?.answers.map((r) => [r.type, r.name, r.ttl])).toEqual([
      ['PTR', TYPE, 4500],
      ['PTR', ENUM, 4500],
      ['SRV', NEW, 120],
      ['TXT', NEW, 4500],
    ]);
    await responder.close();
  });

  it('a taken new name becomes "Name (2)" and the promise resolves with it', async () => {
    const { transport, responder, service, mark } = await announcedResponder();
    const renamed = service.rename('Kitchen');
    await advanceTo(5200);
    // Another host already holds "Kitchen": it answers our probe.
    transport.deliver({
      data: encodePacket({ id: 0, flags: FLAGS_RESPONSE, answers: [srv(NEW, 1, 'other.local')] }),
      interface: 'eth0',
      source: { address: '192.0.2.99', port: 5353 },
    });
    await advanceTo(7000);
    await expect(renamed).resolves.toBe('Kitchen (2)');
    expect(times(responses(about(transport, `Kitchen (2).${TYPE}`, mark)))).toEqual([6075]);
    await responder.close();
  });

  it('renaming while still probing sends no goodbye and probes the new name from the start', async () => {
    const { transport, responder } = responderHarness();
    const published = responder.publish(SPEC);
    await advanceTo(300);
    const service = [
      ...(
        responder as unknown as { services: Map<unknown, import('../../src/api/responder.js').Service> }
      ).services.values(),
    ][0];
    expect(service?.state).toBe('probing');
    const renamed = service?.rename('Kitchen');
    await advanceTo(2000);
    await expect(renamed).resolves.toBe('Kitchen');
    await expect(published).resolves.toBe(service);
    const goodbyes = responses(sentPackets(transport)).filter((s) => s.packet.answers.some((r) => r.ttl === 0));
    expect(goodbyes).toEqual([]);
    expect(times(probes(about(transport, NEW)))).toEqual([425, 675, 925]);
    await responder.close();
  });

  it('rejects a bad name with a typed error and a stopped service with BAD_STATE', async () => {
    const { responder } = responderHarness();
    const service = await publishAnnounced(responder);
    await expect(service.rename('x'.repeat(64))).rejects.toBeInstanceOf(BoasterError);
    await service.stop();
    await expect(service.rename('Kitchen')).rejects.toMatchObject({ code: 'BAD_STATE' });
    await responder.close();
  });

  it('an aborted rename rejects with the reason but keeps the service, which goes on under the new name', async () => {
    const { responder, service } = await announcedResponder();
    const controller = new AbortController();
    const renamed = service.rename('Kitchen', { signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(renamed).rejects.toThrow('user gave up');
    await advanceTo(7000);
    expect(service.state).toBe('announced');
    expect(service.name).toBe('Kitchen');
    await responder.close();
  });
});
