/** Times as an operator reads them on the page; numbers and sizes come from core/util. */
/** An ISO time as local date and time; anything else as it came. */
export function formatTime(iso: string): string {
  const time = new Date(iso);
  return Number.isNaN(time.getTime()) ? iso : time.toLocaleString();
}
