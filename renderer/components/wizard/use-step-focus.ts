/**
 * Keeps keyboard focus with the resize as it moves on. A step's confirmation button is disabled
 * while its call runs and gone once the step is done, so focus would fall to the page body and a
 * keyboard user would start again from the top: instead it moves to the first control of the step
 * the wizard now stands at (or of the report, once the resize is complete). Only focus that was
 * in the wizard and got lost is moved; focus the operator took elsewhere is left alone.
 */
import { useEffect, useRef, type RefObject } from 'react';

const CONTROLS = [
  'button:not([disabled])',
  'input:not([disabled])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  'summary',
  'a[href]',
].join(', ');

export function useStepFocus(wizard: RefObject<HTMLElement | null>, revision: string): void {
  const hadFocus = useRef(false);

  useEffect(() => {
    const element = wizard.current;
    if (element === null) return undefined;
    const onFocusIn = () => (hadFocus.current = true);
    // A null relatedTarget is focus lost to nowhere (a control disabled or removed): kept as ours.
    const onFocusOut = (event: FocusEvent) => {
      const to = event.relatedTarget;
      if (to instanceof Node && !element.contains(to)) hadFocus.current = false;
    };
    element.addEventListener('focusin', onFocusIn);
    element.addEventListener('focusout', onFocusOut);
    return () => {
      element.removeEventListener('focusin', onFocusIn);
      element.removeEventListener('focusout', onFocusOut);
    };
  }, [wizard]);

  useEffect(() => {
    const element = wizard.current;
    const active = document.activeElement;
    const isLost = active === null || active === document.body || !active.isConnected;
    if (element === null || !hadFocus.current || !isLost) return;
    const place =
      element.querySelector('[aria-current="step"] .step-body') ??
      element.querySelector('.wizard-report');
    firstControl(place)?.focus();
  }, [wizard, revision]);
}

function firstControl(place: Element | null): HTMLElement | undefined {
  if (place === null) return undefined;
  // A control inside a closed <details> (other than its summary) has no box: it cannot be used.
  return [...place.querySelectorAll<HTMLElement>(CONTROLS)].find(
    (control) => control.getClientRects().length > 0,
  );
}
