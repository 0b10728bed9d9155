import { notYet } from '../lib/notYet';

// Planned: capture through the tunnel (test/support/ltServer.ts on loopback) vs. straight to the receiver.
export default notYet('tunnel', '6 tunnel overhead', 60, 'the tunnel (src/core/tunnel) is not wired into the session yet');
