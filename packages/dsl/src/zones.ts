/** Time zone names: IANA names and fixed offsets, as the `timezone` header item gives them. */

const zoneCache = new Map<string, boolean>();
/** Whether a time zone name (IANA, or a fixed offset like `+08:00`) is usable. */
export function isValidZone(zone: string): boolean {
  if (/^[+-]\d{2}:\d{2}$/.test(zone)) return true;
  let ok = zoneCache.get(zone);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      ok = true;
    } catch {
      ok = false;
    }
    zoneCache.set(zone, ok);
  }
  return ok;
}
