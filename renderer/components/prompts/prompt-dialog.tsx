// Scaffolding: replaced by the screen itself.
export function PromptDialog() {
  return <p className="muted">Not built yet.</p>;
}
