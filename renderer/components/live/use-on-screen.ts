import { useEffect, useState, type RefObject } from 'react';

/**
 * Whether the element is within (or near) the viewport, so that live charts scrolled out of sight
 * stop redrawing. Without IntersectionObserver (a server render) everything counts as on screen.
 */
export function useIsOnScreen(ref: RefObject<Element | null>): boolean {
  const [isOnScreen, setIsOnScreen] = useState(true);
  useEffect(() => {
    const element = ref.current;
    if (element === null || typeof IntersectionObserver === 'undefined') return undefined;
    const observer = new IntersectionObserver(
      (entries) => {
        const entry = entries.at(-1);
        if (entry !== undefined) setIsOnScreen(entry.isIntersecting);
      },
      { rootMargin: '200px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref]);
  return isOnScreen;
}
