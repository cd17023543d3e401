/**
 * Saves text the page made (a report, an export) as a file in the operator's downloads: a Blob
 * behind an `<a download>`, which the Content-Security-Policy allows (no fetch, no new window).
 */
export function saveTextFile(fileName: string, text: string, mimeType: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started by the time the click returns in Chromium; revoking at once is
  // still known to cancel it in some builds, so the URL lives a moment longer.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** A piece of a file name from anything an operator typed: letters, digits, `.`, `_` and `-`. */
export function fileNamePart(text: string): string {
  const part = text
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '');
  return part === '' ? 'cluster' : part;
}

/** The date part (YYYY-MM-DD, UTC) of an ISO time, or of now when it is not one. */
export function fileDate(iso?: string): string {
  const time = iso === undefined ? new Date() : new Date(iso);
  return (Number.isNaN(time.getTime()) ? new Date() : time).toISOString().slice(0, 10);
}
