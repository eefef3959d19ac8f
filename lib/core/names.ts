/** RFC 1123 label: what Kubernetes requires of Service, namespace and most object names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** What KServe's webhook requires of an InferenceService name (and DNS-1035 labels). */
export const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
/** RFC 1123 subdomain: ServiceAccount and Secret names. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What is expected of `value` when it is not an RFC 1123 label of at most 63 characters. */
export function dnsLabelExpectation(value: string): string | undefined {
  return DNS_LABEL.test(value) && value.length <= 63 ? undefined
    : 'must be a DNS label: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit';
}

/** What is expected of `value` when it is not an RFC 1123 subdomain of at most 253 characters. */
export function dnsSubdomainExpectation(value: string): string | undefined {
  return DNS_SUBDOMAIN.test(value) && value.length <= 253 ? undefined
    : 'must be a DNS subdomain: at most 253 lowercase letters, digits, \'-\' and \'.\', starting and ending with a letter or digit';
}

/** Drops keys whose value is undefined or an empty object/array, so output stays minimal. */
export function compact<T extends object>(obj: T): T {
  const out: any = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) continue;
    out[k] = v;
  }
  return out;
}
