/**
 * Issue 15, found by the flap scenario: a send that fails because the
 * interface went down, or the socket's address went away, since the
 * interfaces were last read makes the transport read them at once — it does
 * not keep sending into a dead socket until the next poll (5 s by default),
 * so the change is followed (interfaceDown; addressRemoved/addressAdded, and
 * with them the goodbyes and announcements of RFC 6762 §10.1 and §8.3)
 * without waiting. Polling is off here, so only the failed send can tell it.
 */
import { describe, expect, it } from 'vitest';
import { CORE_LAB_TOOLS, labGate } from '../../lab/availability.js';
import { useLab } from '../../lab/use-lab.js';
import { TransportProcess } from '../../transport/transport-lab.js';

const skip = labGate([...CORE_LAB_TOOLS], 'transport send-failure refresh test');

describe.skipIf(skip)('a failed send makes the transport look at its interfaces', () => {
  const lab = useLab({ hosts: 1 });

  it('follows a downed link and a renumbering at the first failed send, with polling off', async () => {
    const h0 = lab().host(0);
    const t = await TransportProcess.start(h0, { pollIntervalMs: 0 });
    const multicast = { target: { interface: 'eth0', family: 4 } };

    await h0.setLinkUp('eth0', false);
    const down = await t.command('send', { data: 'into a downed link', ...multicast });
    expect(down).toMatchObject({ code: 'NETWORK_UNREACHABLE' });
    await t.waitFor((e) => e.event === 'interfaceDown' && e.name === 'eth0', 3_000);
    // The advice names the likely cause first, not only a missing route.
    expect(down.error).toMatch(/went down or lost this address/);

    await h0.setLinkUp('eth0', true);
    await t.command('refresh');
    await t.waitFor((e) => e.event === 'interfaceUp' && e.name === 'eth0', 3_000);

    await h0.replaceIPv4('eth0', '192.0.2.77/24');
    const gone = await t.command('send', { data: 'from a gone address', ...multicast });
    expect(['NETWORK_UNREACHABLE', 'ADDRESS_NOT_AVAILABLE']).toContain(gone.code);
    await t.waitFor((e) => e.event === 'addressRemoved' && e.address === '192.0.2.10', 3_000);
    await t.waitFor((e) => e.event === 'addressAdded' && e.address === '192.0.2.77', 3_000);
    // From the new address, sending works again.
    expect((await t.command('send', { data: 'from the new address', ...multicast })).ok).toBe(true);

    expect(t.eventsOf('uncaught')).toEqual([]);
    expect(await t.close()).toBe(0);
  }, 40_000);
});
