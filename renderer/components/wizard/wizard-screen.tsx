// Scaffolding: replaced by the screen itself.
export function WizardScreen() {
  return <p className="muted">Not built yet.</p>;
}
