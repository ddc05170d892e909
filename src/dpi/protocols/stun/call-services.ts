// Real-time media (STUN/TURN, DTLS-SRTP, RTP) to a provider's relay servers is that provider's
// call service: Google's TURN servers carry Meet and Duo calls, Zoom's carry Zoom meetings. The
// keys are application names of data/applications.tsv, whether they own the server's address or
// the flow's own name (a TURN realm such as "viber.com") is theirs: media for a messenger is its
// call service.
export const CALL_SERVICES_BY_ADDRESS: Readonly<Record<string, string>> = {
  Google: 'GoogleCall',
  Zoom: 'Zoom',
  Teams: 'Teams',
  Webex: 'Webex',
  Discord: 'Discord',
  Viber: 'ViberVoip',
  Telegram: 'TelegramVoip',
  Line: 'LineCall',
  KakaoTalk: 'KakaoTalk_Voice',
  WhatsApp: 'WhatsAppCall',
};
