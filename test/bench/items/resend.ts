import { notYet } from '../lib/notYet';

// Planned: resend a captured event to a local handler vs. a direct node:http POST of the same bytes.
export default notYet('resend', '5 resend overhead', 50, 'resend/forwarding has not landed in src/core');
