import { catalogOnly } from '../../api/dissector.js';

// Secure RTP (RFC 3711) media (nDPI: SRTP).
// SRTP keeps RTP's header and encrypts the payload, so a packet cannot be told from plain RTP without the signalling (SDES or DTLS-SRTP) that set it up; sonde names such flows RTP.
// Catalog entry only.

export default catalogOnly('srtp', [{ name: 'SRTP', category: 'Media', kind: 'protocol', description: "Secure RTP (RFC 3711) media" }]);
