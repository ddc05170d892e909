import { type RiskSpec } from '../../api/dissector.js';

// The risks only HTTP raises.

export const HTTP_RISKS: readonly RiskSpec[] = [
  { name: 'binary_application_transfer', severity: 'high', description: 'an executable downloaded over cleartext HTTP', ndpi: 'Binary App Transfer' },
  { name: 'http_suspicious_user_agent', severity: 'high', description: 'an empty, odd or tool-like HTTP user agent', ndpi: 'HTTP Susp User-Agent' },
  { name: 'http_suspicious_header', severity: 'medium', description: 'unusual HTTP headers', ndpi: 'HTTP Susp Header' },
  { name: 'url_possible_xss', severity: 'high', description: 'the URL looks like a cross-site scripting attempt', ndpi: 'XSS Attack' },
  { name: 'url_possible_sql_injection', severity: 'high', description: 'the URL looks like an SQL injection attempt', ndpi: 'SQL Injection' },
  { name: 'url_possible_rce', severity: 'high', description: 'the URL looks like a remote code execution attempt', ndpi: 'RCE Injection' },
  { name: 'binary_data_transfer', severity: 'medium', description: 'a generic binary download or upload (application/octet-stream) or a request for an executable file over cleartext HTTP', ndpi: 'Binary File/Data Transfer (Attempt)' },
];
